// The image-transform function as a real process on loopback: the contract, and real transforms of the generated
// image sent as nothing, as raw PNG/JPEG bytes and as GIRAFF's multipart field `file`.
import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, sniffFormat } from "./codec.ts";
import { generateTestImage } from "./default-image.ts";
import { itHonoursTheContract, post, startFunction } from "../lib/testing/function-process.ts";

interface Answer {
  source: string;
  input: { format: string; width: number; height: number; bytes: number };
  output: { format: string; width: number; height: number; bytes: number };
  operations: string[];
}

/** A multipart/form-data body with one file field, as Go's `mime/multipart` writes it. */
function multipart(field: string, bytes: Buffer): { body: Buffer; headers: Record<string, string> } {
  const boundary = "giraffBoundary7MA4YWxk";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="n01440764.JPEG"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

describe("functions/image-transform", () => {
  itHonoursTheContract("image-transform", {
    valid: { body: undefined },
    malformed: [
      { name: "not an image", body: "hello", headers: { "content-type": "text/plain" }, field: "body", status: 415 },
      { name: "corrupt PNG", body: Buffer.from("89504e470d0a1a0a0000", "hex"), field: "body" },
      { name: "no file field", ...multipart("photo", Buffer.from("x")), field: "file" },
      { name: "multipart text", ...multipart("file", Buffer.from("text")), field: "file", status: 415 },
      { name: "width 0", body: undefined, query: "?width=0", field: "width" },
      { name: "width words", body: undefined, query: "?width=big", field: "width" },
      { name: "format gif", body: undefined, query: "?format=gif", field: "format" },
      { name: "blur 99", body: undefined, query: "?blur=99", field: "blur" },
    ],
  });

  it("transforms the generated image to 224 pixels wide, keeping the aspect ratio", async () => {
    const { url } = await startFunction("image-transform");
    const answer = (await post(`${url}/`)).json() as Answer;
    expect(answer.source).toBe("generated");
    expect(answer.input).toMatchObject({ format: "jpeg", width: 640, height: 480 });
    expect(answer.output).toMatchObject({ format: "jpeg", width: 224, height: 168 });
    expect(answer.output.bytes).toBeGreaterThan(0);
    expect(answer.operations).toEqual(["resize 224x168", "greyscale", "box blur 1"]);
  });

  it("takes raw PNG bytes and multipart JPEGs, and returns the image on ?return=image", async () => {
    const { url } = await startFunction("image-transform");
    const png = encodeImage(generateTestImage(300, 200), "png");
    const fromPng = (await post(`${url}/?width=100&height=50&format=png`, png)).json() as Answer;
    expect(fromPng).toMatchObject({
      source: "body",
      input: { format: "png", width: 300, height: 200, bytes: png.length },
      output: { format: "png", width: 100, height: 50 },
    });

    const jpeg = encodeImage(generateTestImage(320, 240), "jpeg");
    const form = multipart("file", jpeg);
    const fromForm = (await post(`${url}/?width=64&blur=0&greyscale=false`, form.body, form.headers)).json() as Answer;
    expect(fromForm).toMatchObject({ source: "multipart", output: { width: 64, height: 48 } });
    expect(fromForm.operations).toEqual(["resize 64x48"]);

    const image = await post(`${url}/?return=image&width=32&format=png`, jpeg);
    expect(image.headers["content-type"]).toBe("image/png");
    expect(sniffFormat(image.body)).toBe("png");
    const decoded = decodeImage(image.body, "body");
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 32, height: 24 });
    // Greyscale by default: every pixel has R = G = B.
    for (let i = 0; i < decoded.data.length; i += 4) {
      expect(decoded.data[i]).toBe(decoded.data[i + 1]);
      expect(decoded.data[i]).toBe(decoded.data[i + 2]);
    }
  });
});
