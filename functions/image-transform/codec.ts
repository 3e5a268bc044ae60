/**
 * PNG and JPEG in and out with pure-JS codecs (`pngjs`, `jpeg-js`): they install offline with no native binary, so
 * the function runs the same on this machine, in the embedded gateway and in a node:20-slim image.
 */
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { invalid } from "../lib/reply.ts";

/** Decoded pixels: RGBA, 4 bytes per pixel, row-major. */
export interface Bitmap {
  width: number;
  height: number;
  data: Buffer;
}

export type ImageFormat = "png" | "jpeg";

/** Largest image decoded, in megapixels: a bigger one is refused before decoding allocates its pixels. */
export const MAX_MEGAPIXELS = 40;

/** The format of `bytes` from its magic number; undefined when neither PNG nor JPEG. */
export function sniffFormat(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return undefined;
}

/** Decodes PNG or JPEG bytes; a 415 naming `field` when they are neither, a 400 when they are corrupt. */
export function decodeImage(bytes: Buffer, field: string): Bitmap & { format: ImageFormat } {
  const format = sniffFormat(bytes);
  if (format === undefined) {
    throw invalid(
      field,
      "PNG or JPEG bytes",
      `${bytes.length} bytes starting ${bytes.subarray(0, 4).toString("hex")}`,
      415,
    );
  }
  try {
    if (format === "png") {
      // IHDR holds the size at bytes 16–23: check it before pngjs allocates the pixels.
      const megapixels = bytes.length >= 24 ? (bytes.readUInt32BE(16) * bytes.readUInt32BE(20)) / 1e6 : 0;
      if (megapixels > MAX_MEGAPIXELS) throw new TooLarge(`the image has ${megapixels.toFixed(1)} megapixels`);
      const png = pngjs.PNG.sync.read(bytes);
      return { format, width: png.width, height: png.height, data: png.data };
    }
    const decoded = jpeg.decode(bytes, { formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
    return { format, width: decoded.width, height: decoded.height, data: decoded.data };
  } catch (err) {
    const status = err instanceof TooLarge || /maxResolutionInMP/.test(String(err)) ? 413 : 400;
    throw invalid(field, `a decodable ${format} image of at most ${MAX_MEGAPIXELS} megapixels`, String(err), status);
  }
}

class TooLarge extends Error {}

/** Encodes `bitmap` as PNG or JPEG (`quality` 1–100 for JPEG). */
export function encodeImage(bitmap: Bitmap, format: ImageFormat, quality = 85): Buffer {
  if (format === "jpeg") return jpeg.encode(bitmap, quality).data;
  const png = new pngjs.PNG({ width: bitmap.width, height: bitmap.height });
  bitmap.data.copy(png.data);
  return pngjs.PNG.sync.write(png);
}
