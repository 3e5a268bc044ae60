/**
 * A seeded synthetic picture, so the `image` content needs no dataset download. GIRAFF sent Imagenette JPEGs under
 * 50 KiB; a smooth picture with a few shapes compresses to a similar size class. Encoded by pngjs (the codec the
 * image functions decode with), as 8-bit RGB without alpha.
 */
import pngjs from "pngjs";

/**
 * No row filter and zlib's default level and strategy: the bytes the hand-written encoder this replaced produced, so
 * a campaign's image payloads keep their sizes (29 KiB on average at 224 × 168). pngjs's defaults (adaptive filters,
 * level 9, run-length strategy) would shrink them to about 7 KiB and change the network load of image chains.
 */
const ENCODING = {
  colorType: 2,
  inputColorType: 2,
  inputHasAlpha: false,
  filterType: 0,
  deflateLevel: 6,
  deflateStrategy: 0,
} as const;

/** A gradient with a few coloured rectangles and light noise, all drawn from `random`; PNG bytes. */
export function syntheticPicture(random: () => number, width = 224, height = 168): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  const base = [random() * 255, random() * 255, random() * 255];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = (base[0]! + (x * 128) / width) % 256;
      rgb[i + 1] = (base[1]! + (y * 128) / height) % 256;
      rgb[i + 2] = base[2]!;
    }
  }
  for (let r = 0; r < 6; r++) {
    const [x0, y0] = [Math.floor(random() * width), Math.floor(random() * height)];
    const [w, h] = [Math.ceil(random() * width * 0.4), Math.ceil(random() * height * 0.4)];
    const colour = [random() * 255, random() * 255, random() * 255];
    for (let y = y0; y < Math.min(height, y0 + h); y++) {
      for (let x = x0; x < Math.min(width, x0 + w); x++) rgb.set(colour, (y * width + x) * 3);
    }
  }
  // light noise on one row in eight: texture without defeating compression
  for (let y = 0; y < height; y += 8)
    for (let x = 0; x < width * 3; x++) rgb[y * width * 3 + x]! ^= random() < 0.5 ? 1 : 0;
  return pngjs.PNG.sync.write({ width, height, data: rgb } as pngjs.PNG, ENCODING);
}
