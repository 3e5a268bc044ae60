// The pixel operations and codecs of image-transform, in-process on small known bitmaps.
import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, sniffFormat, type Bitmap } from "./codec.ts";
import { generateTestImage } from "./default-image.ts";
import { boxBlur, greyscale, resize, targetSize } from "./transform.ts";

function solid(width: number, height: number, rgba: [number, number, number, number]): Bitmap {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

describe("image-transform operations", () => {
  it("resizes bilinearly: corners kept, a gradient stays a gradient", () => {
    const gradient: Bitmap = { width: 2, height: 1, data: Buffer.from([0, 0, 0, 255, 200, 100, 50, 255]) };
    const wide = resize(gradient, 5, 1);
    expect([...wide.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...wide.data.subarray(8, 12)]).toEqual([100, 50, 25, 255]);
    expect([...wide.data.subarray(16, 20)]).toEqual([200, 100, 50, 255]);
    expect(resize(solid(7, 5, [9, 8, 7, 255]), 3, 2).data).toEqual(solid(3, 2, [9, 8, 7, 255]).data);
  });

  it("greyscales with BT.601 luma and blurs without changing a uniform image", () => {
    const grey = greyscale(solid(2, 2, [255, 0, 0, 200]));
    expect([...grey.data.subarray(0, 4)]).toEqual([76, 76, 76, 200]);
    const uniform = solid(6, 4, [30, 60, 90, 255]);
    expect(boxBlur(uniform, 2).data).toEqual(uniform.data);
    const dot = solid(3, 3, [0, 0, 0, 255]);
    dot.data.set([90, 90, 90], 4 * 4);
    expect(boxBlur(dot, 1).data[4 * 4]).toBe(10);
  });

  it("keeps the aspect ratio unless a height is given", () => {
    expect(targetSize({ width: 640, height: 480 }, 224)).toEqual({ width: 224, height: 168 });
    expect(targetSize({ width: 640, height: 480 }, 100, 100)).toEqual({ width: 100, height: 100 });
    expect(targetSize({ width: 4000, height: 1 }, 10)).toEqual({ width: 10, height: 1 });
  });

  it("round-trips the deterministic test image through PNG and JPEG", () => {
    const image = generateTestImage(64, 48);
    expect(generateTestImage(64, 48).data).toEqual(image.data);
    const png = encodeImage(image, "png");
    expect(sniffFormat(png)).toBe("png");
    expect(decodeImage(png, "body").data).toEqual(image.data);
    const jpeg = decodeImage(encodeImage(image, "jpeg"), "body");
    expect({ format: jpeg.format, width: jpeg.width, height: jpeg.height }).toEqual({
      format: "jpeg",
      width: 64,
      height: 48,
    });
  });
});
