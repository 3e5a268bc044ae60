// Synthetic media are well-formed and deterministic; bodies have GIRAFF's shapes.
import { createHash } from "node:crypto";
import pngjs from "pngjs";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../util/seeded-random.ts";
import { buildBody, loadMedia } from "./payloads.ts";
import { syntheticPicture } from "./picture.ts";
import { SAMPLE_RATE, syntheticSpeech } from "./wav.ts";

describe("synthetic media", () => {
  it("makes an RGB PNG that pngjs reads back, the same for the same seed, under GIRAFF's 50 KiB", () => {
    const png = syntheticPicture(seededRandom("s"), 64, 48);
    expect(png.equals(syntheticPicture(seededRandom("s"), 64, 48))).toBe(true);
    expect(png.equals(syntheticPicture(seededRandom("t"), 64, 48))).toBe(false);
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([64, 48, 8, 2]); // IHDR: RGB
    const decoded = pngjs.PNG.sync.read(png);
    expect([decoded.width, decoded.height]).toEqual([64, 48]);
    // the pixels (RGBA as pngjs decodes them) and the encoded sizes of the hand-written encoder pngjs replaced
    expect(createHash("sha256").update(decoded.data).digest("hex").slice(0, 16)).toBe("cdcc1293c5925b9a");
    const sizes = Array.from({ length: 8 }, (_, i) => syntheticPicture(seededRandom("1", "image", i)).length);
    expect(sizes).toEqual([28939, 30910, 31006, 30439, 30492, 32632, 30721, 28589]);
    expect(Math.max(...sizes)).toBeLessThan(50 * 1024);
  });

  it("makes an 8 kHz mono 16-bit WAV under 32 KiB", () => {
    const wav = syntheticSpeech(seededRandom("w"));
    expect(wav.toString("latin1", 0, 4)).toBe("RIFF");
    expect(wav.toString("latin1", 8, 16)).toBe("WAVEfmt ");
    expect([wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, SAMPLE_RATE, 16]);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    expect(wav.length).toBeLessThan(32 * 1024);
  });

  it("builds ping JSON, raw audio and a multipart image field `file`", () => {
    const media = loadMedia("1", {});
    const ctx = {
      tags: "t",
      nodeUrl: "http://x/function/f",
      boundary: "b0",
      pick: () => 0.5,
      nowMs: 1_700_000_000_000.25,
    };
    const ping = buildBody("ping", media, ctx);
    expect(ping.contentType).toBe("application/json");
    expect(JSON.parse(ping.body.toString())).toEqual({
      tag: "t",
      sentAt: 1_700_000_000_000_250,
      from: "iot_emulation",
      to: "http://x/function/f",
    });
    const audio = buildBody("audio", media, ctx);
    expect(audio.contentType).toBe("audio/wav");
    expect(audio.body.toString("latin1", 0, 4)).toBe("RIFF");
    const image = buildBody("image", media, ctx);
    expect(image.contentType).toBe("multipart/form-data; boundary=b0");
    const text = image.body.toString("latin1");
    expect(text).toMatch(/^--b0\r\nContent-Disposition: form-data; name="file"; filename="image-4\.png"\r\n/);
    expect(text.endsWith("\r\n--b0--\r\n")).toBe(true);
  });
});
