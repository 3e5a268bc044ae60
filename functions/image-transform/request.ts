/**
 * What an image request asks for: the image (raw bytes, multipart field `file` as GIRAFF's IoT emulator sends, or
 * none for the generated test image) and the options in the query string, each validated with a 400 naming it.
 */
import type { FunctionRequest } from "../lib/contract.ts";
import { invalid } from "../lib/reply.ts";
import type { ImageFormat } from "./codec.ts";

export interface TransformOptions {
  width: number;
  /** Undefined keeps the aspect ratio. */
  height: number | undefined;
  blur: number;
  greyscale: boolean;
  format: ImageFormat;
  quality: number;
  /** `image`: answer with the encoded bytes; `json`: with their description. */
  answer: "json" | "image";
}

/** Where the image came from, reported in the answer. */
export type ImageSource = "body" | "multipart" | "generated";

/** Reads the options from the query string, with defaults. */
export function readOptions(query: URLSearchParams): TransformOptions {
  return {
    width: integer(query, "width", 224, 1, 4096)!,
    height: integer(query, "height", undefined, 1, 4096),
    blur: integer(query, "blur", 1, 0, 10)!,
    greyscale: choice(query, "greyscale", ["true", "false"], "true") === "true",
    format: choice(query, "format", ["jpeg", "png"], "jpeg"),
    quality: integer(query, "quality", 85, 1, 100)!,
    answer: choice(query, "return", ["json", "image"], "json"),
  };
}

/** The image bytes of the request, or undefined for the generated test image. */
export async function readImage(request: FunctionRequest): Promise<{ bytes?: Buffer; source: ImageSource }> {
  const type = request.headers["content-type"] ?? "";
  if (/^multipart\/form-data\b/i.test(type)) {
    let form: FormData;
    try {
      form = await new Response(request.body, { headers: { "content-type": type } }).formData();
    } catch (err) {
      throw invalid("body", "a multipart/form-data body with a `file` field", String(err));
    }
    const file = form.get("file");
    if (file === null || typeof file === "string") {
      throw invalid("file", "a multipart file field holding a PNG or JPEG image", file);
    }
    return { bytes: Buffer.from(await file.arrayBuffer()), source: "multipart" };
  }
  return request.body.length === 0 ? { source: "generated" } : { bytes: request.body, source: "body" };
}

function integer(query: URLSearchParams, name: string, fallback: number | undefined, min: number, max: number) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw invalid(name, `an integer from ${min} to ${max}`, raw);
  return value;
}

function choice<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw invalid(name, `one of ${allowed.join(", ")}`, raw);
  return raw as T;
}
