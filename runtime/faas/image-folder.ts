/**
 * The embedded gateway has no container runtime: it maps an image reference to a folder of `functions/` and runs
 * that folder's `index.ts`. The rule keeps GIRAFF's image names working unchanged on the local testbed:
 * `127.0.0.1:5555/giraff:fn_echo`, `ghcr.io/x/echo:latest` and `echo` all name `functions/echo`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ProtocolError } from "../protocol/errors.ts";

/**
 * The function folder an image names: drop the registry host and path and any digest, take the tag when the
 * repository is `giraff` (GIRAFF pushes every function as `giraff:<fn>`) and the repository otherwise, and strip a
 * `fn_` / `fn-` prefix. Returns undefined when nothing usable is left.
 */
export function functionFolderOfImage(image: string): string | undefined {
  const withoutDigest = image.trim().split("@")[0] ?? "";
  const last = withoutDigest.split("/").pop() ?? "";
  const colon = last.indexOf(":");
  const repository = colon === -1 ? last : last.slice(0, colon);
  const tag = colon === -1 ? undefined : last.slice(colon + 1);
  const picked = repository === "giraff" ? tag : repository;
  if (picked === undefined) return undefined;
  const folder = picked.replace(/^fn[_-]/, "");
  return /^[A-Za-z0-9][\w.-]*$/.test(folder) ? folder : undefined;
}

/**
 * The `index.ts` to run for `image` under `functionsDir`; a 400 naming `image` when there is none. Image names use
 * `_` where our folders use `-` (`giraff:fn_image_transform` is `functions/image-transform`), so both are tried.
 */
export function resolveFunctionEntry(functionsDir: string, image: string): string {
  const folder = functionFolderOfImage(image);
  const candidates = folder === undefined ? [] : [folder, folder.replaceAll("_", "-")];
  const entry = candidates.map((f) => join(functionsDir, f, "index.ts")).find((path) => existsSync(path));
  if (entry === undefined) {
    const known = folder === undefined ? "" : ` (no ${join(functionsDir, folder, "index.ts")})`;
    throw new ProtocolError({
      field: "image",
      rule: `an image that names a folder of ${functionsDir} with an index.ts, such as \`giraff:fn_echo\`${known}`,
      value: image,
    });
  }
  return entry;
}
