/**
 * The image used when a request carries none: generated at run time (no binary in the repository), deterministic,
 * and photo-like enough (gradients, discs, noise) that JPEG and the blur do realistic work. 640 × 480 like the
 * Imagenette-320 photos GIRAFF's IoT emulator sends, give or take.
 */
import { seededRandom } from "../../runtime/util/seeded-random.ts";
import type { Bitmap } from "./codec.ts";

export const TEST_IMAGE_SIZE = { width: 640, height: 480 } as const;

/** A deterministic RGBA test picture of `width` × `height`. */
export function generateTestImage(width: number = TEST_IMAGE_SIZE.width, height: number = TEST_IMAGE_SIZE.height) {
  const random = seededRandom("image-transform test image");
  const discs = Array.from({ length: 12 }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.05 + random() * 0.15) * Math.min(width, height),
    rgb: [random() * 255, random() * 255, random() * 255] as const,
  }));
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let rgb = [(255 * x) / width, (255 * y) / height, 128 + 127 * Math.sin((x + y) / 40)];
      for (const disc of discs) if ((x - disc.x) ** 2 + (y - disc.y) ** 2 < disc.r ** 2) rgb = [...disc.rgb];
      const noise = (random() - 0.5) * 24;
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + noise)));
      data[i + 3] = 255;
    }
  }
  const bitmap: Bitmap = { width, height, data };
  return bitmap;
}
