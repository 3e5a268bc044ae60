/**
 * The work of the image function, on raw RGBA pixels: resize (bilinear), greyscale (ITU-R BT.601 luma) and box blur.
 * GIRAFF's image chain preprocesses photos for SqueezeNet, hence the 224-pixel default width.
 */
import type { Bitmap } from "./codec.ts";

/** Bilinear resize to `width` × `height`. */
export function resize(source: Bitmap, width: number, height: number): Bitmap {
  const data = Buffer.alloc(width * height * 4);
  const xRatio = width > 1 ? (source.width - 1) / (width - 1) : 0;
  const yRatio = height > 1 ? (source.height - 1) / (height - 1) : 0;
  const src = source.data;
  for (let y = 0; y < height; y++) {
    const sy = y * yRatio;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    const row0 = y0 * source.width * 4;
    const row1 = Math.min(y0 + 1, source.height - 1) * source.width * 4;
    for (let x = 0; x < width; x++) {
      const sx = x * xRatio;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const col0 = x0 * 4;
      const col1 = Math.min(x0 + 1, source.width - 1) * 4;
      const out = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) {
        const top = src[row0 + col0 + c]! * (1 - fx) + src[row0 + col1 + c]! * fx;
        const bottom = src[row1 + col0 + c]! * (1 - fx) + src[row1 + col1 + c]! * fx;
        data[out + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { width, height, data };
}

/** Greyscale in place of colour: R = G = B = luma, alpha kept. */
export function greyscale(source: Bitmap): Bitmap {
  const data = Buffer.from(source.data);
  for (let i = 0; i < data.length; i += 4) {
    const luma = Math.round(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
    data[i] = data[i + 1] = data[i + 2] = luma;
  }
  return { width: source.width, height: source.height, data };
}

/** Box blur of `radius` pixels, as two separable passes (horizontal then vertical), edges clamped. */
export function boxBlur(source: Bitmap, radius: number): Bitmap {
  if (radius <= 0) return source;
  const pass = (input: Buffer, horizontal: boolean): Buffer => {
    const out = Buffer.alloc(input.length);
    const { width, height } = source;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          for (let k = -radius; k <= radius; k++) {
            const xx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x;
            const yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k));
            sum += input[(yy * width + xx) * 4 + c]!;
          }
          out[(y * width + x) * 4 + c] = Math.round(sum / (2 * radius + 1));
        }
      }
    }
    return out;
  };
  return { width: source.width, height: source.height, data: pass(pass(source.data, true), false) };
}

/** The output size for a requested width and optional height: the height keeps the aspect ratio when omitted. */
export function targetSize(source: { width: number; height: number }, width: number, height?: number) {
  return { width, height: height ?? Math.max(1, Math.round((source.height * width) / source.width)) };
}
