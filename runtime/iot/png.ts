/**
 * A tiny PNG encoder and a seeded synthetic picture, so the `image` content needs no dataset download. GIRAFF sent
 * Imagenette JPEGs under 50 KiB; a smooth picture with a few shapes deflates to a similar size class.
 */
import { deflateSync } from "node:zlib";

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** 8-bit RGB, no interlace; `rgb` holds width × height × 3 bytes, row by row. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rows.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** A gradient with a few coloured rectangles and light noise, all drawn from `random`. */
export function syntheticPicture(random: () => number, width = 224, height = 168): Buffer {
  const rgb = new Uint8Array(width * height * 3);
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
  return encodePng(width, height, rgb);
}
