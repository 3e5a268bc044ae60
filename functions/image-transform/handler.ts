/**
 * The image-transform function as a factory: GIRAFF's image preprocessing step done for real (decode, resize,
 * greyscale, blur, re-encode) with pure-JS codecs, so that it loads the CPU and memory as an image pipeline does.
 * It reads no configuration; instances share only the generated test image, encoded once per process. See README.md.
 */
import type { FunctionRequest, ServeOptions } from "../lib/contract.ts";
import { json, type Reply } from "../lib/reply.ts";
import { decodeImage, encodeImage, type Bitmap, type ImageFormat } from "./codec.ts";
import { readImage, readOptions } from "./request.ts";
import { generateTestImage } from "./default-image.ts";
import { boxBlur, greyscale, resize, targetSize } from "./transform.ts";

/** The generated test image, encoded once as a JPEG so that "no image" costs a real decode like a sent one. */
let testJpeg: Buffer | undefined;

async function handle(request: FunctionRequest): Promise<Reply> {
  const options = readOptions(request.query);
  const { bytes, source } = await readImage(request);
  const input = bytes ?? (testJpeg ??= encodeImage(generateTestImage(), "jpeg", 90));
  const started = performance.now();
  const decoded = decodeImage(input, source === "multipart" ? "file" : "body");
  const size = targetSize(decoded, options.width, options.height);
  const operations = [`resize ${size.width}x${size.height}`];
  let image: Bitmap = resize(decoded, size.width, size.height);
  if (options.greyscale) {
    image = greyscale(image);
    operations.push("greyscale");
  }
  if (options.blur > 0) {
    image = boxBlur(image, options.blur);
    operations.push(`box blur ${options.blur}`);
  }
  const output = encodeImage(image, options.format, options.quality);
  const elapsedMs = performance.now() - started;
  if (options.answer === "image") {
    return {
      status: 200,
      body: output,
      type: `image/${options.format}`,
      headers: { "x-image-width": String(image.width), "x-image-height": String(image.height) },
    };
  }
  return json(200, {
    source,
    input: describe(decoded.format, decoded, input.length),
    output: describe(options.format, image, output.length),
    operations,
    elapsedMs,
  });
}

function describe(format: ImageFormat, image: { width: number; height: number }, bytes: number) {
  return { format, width: image.width, height: image.height, bytes };
}

/** One image-transform instance (no configuration: every instance is the same handler). */
export function createFunction(): ServeOptions {
  return { handle };
}
