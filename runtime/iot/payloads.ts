/**
 * The bodies an IoT job sends (`reference/giraff.md` §10): `ping` JSON stamped at send time, `audio` as a raw WAV
 * (`audio/wav`), `image` as the multipart field `file`. Media come from the configured folders when given (GIRAFF's
 * `PATH_AUDIO` / `PATH_IMAGE`), otherwise from a few seeded synthetic clips and pictures made once per emulator.
 */
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { ConfigError } from "../protocol/errors.ts";
import { seededRandom } from "../util/seeded-random.ts";
import type { Content } from "./cron-request.ts";
import { syntheticPicture } from "./picture.ts";
import { syntheticSpeech } from "./wav.ts";

export interface MediaFile {
  name: string;
  type: string;
  bytes: Buffer;
}

export interface Media {
  audio: MediaFile[];
  image: MediaFile[];
}

export interface OutgoingBody {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  ".wav": "audio/wav",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
};
/** Files kept in memory per folder: enough variety, bounded memory. */
const MAX_FILES = 64;
const SYNTHETIC_COUNT = 8;

/** Loads the media folders, or synthesises a small seeded set for what is not given. */
export function loadMedia(seed: string, dirs: { audioDir?: string | undefined; imageDir?: string | undefined }): Media {
  return {
    audio:
      dirs.audioDir === undefined
        ? synthetic(seed, "audio", (r, i) => ({ name: `clip-${i}.wav`, type: "audio/wav", bytes: syntheticSpeech(r) }))
        : readFolder(dirs.audioDir, "content.audioDir", [".wav"]),
    image:
      dirs.imageDir === undefined
        ? synthetic(seed, "image", (r, i) => ({
            name: `image-${i}.png`,
            type: "image/png",
            bytes: syntheticPicture(r),
          }))
        : readFolder(dirs.imageDir, "content.imageDir", [".jpg", ".jpeg", ".png"]),
  };
}

function synthetic(seed: string, what: string, make: (random: () => number, i: number) => MediaFile): MediaFile[] {
  return Array.from({ length: SYNTHETIC_COUNT }, (_, i) => make(seededRandom(seed, what, i), i));
}

function readFolder(dir: string, field: string, extensions: string[]): MediaFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => extensions.includes(extname(n).toLowerCase()));
  } catch (cause) {
    throw new ConfigError(field, `Expected \`${field}\` to be a readable folder, got ${JSON.stringify(dir)}.`, {
      cause,
    });
  }
  if (names.length === 0) {
    throw new ConfigError(field, `Expected \`${field}\` (${dir}) to hold ${extensions.join(", ")} files; it has none.`);
  }
  return names
    .sort()
    .slice(0, MAX_FILES)
    .map((name) => ({ name, type: TYPES[extname(name).toLowerCase()]!, bytes: readFileSync(join(dir, name)) }));
}

/** Builds one request body; `pick` chooses the media file, `nowMs` stamps pings. */
export function buildBody(
  content: Content,
  media: Media,
  ctx: { tags: string; nodeUrl: string; boundary: string; pick: () => number; nowMs: number },
): OutgoingBody {
  if (content === "ping") {
    // GIRAFF's `from` reads "iot_emumation" (sic); nothing reads it, so we spell it right
    const ping = { tag: ctx.tags, sentAt: Math.round(ctx.nowMs * 1000), from: "iot_emulation", to: ctx.nodeUrl };
    return { body: Buffer.from(JSON.stringify(ping)), contentType: "application/json" };
  }
  const files = media[content];
  const file = files[Math.floor(ctx.pick() * files.length)]!;
  if (content === "audio") return { body: file.bytes, contentType: "audio/wav" };
  return { body: multipart(ctx.boundary, file), contentType: `multipart/form-data; boundary=${ctx.boundary}` };
}

/** One form field `file` (GIRAFF: Go's `CreateFormFile`), with the file's own content type. */
export function multipart(boundary: string, file: MediaFile): Buffer {
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name.replace(/"/g, "")}"\r\n` +
    `Content-Type: ${file.type}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
