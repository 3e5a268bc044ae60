import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { ProtocolError } from "../protocol/errors.ts";
import { functionFolderOfImage, resolveFunctionEntry } from "./image-folder.ts";

describe("functionFolderOfImage", () => {
  it.each([
    ["127.0.0.1:5555/giraff:fn_echo", "echo"],
    ["giraff:fn_sentiment_analysis", "sentiment_analysis"],
    ["giraff:giraff_app", "giraff_app"],
    ["ghcr.io/x/echo:latest", "echo"],
    ["registry:5000/a/b/fn-echo:1.2", "echo"],
    ["echo", "echo"],
    ["echo@sha256:abcdef", "echo"],
  ])("%s → %s", (image, folder) => {
    expect(functionFolderOfImage(image)).toBe(folder);
  });

  it.each(["", "giraff", "giraff:", "x/..", "registry/", "fn_"])("%j names no folder", (image) => {
    expect(functionFolderOfImage(image)).toBeUndefined();
  });
});

describe("resolveFunctionEntry", () => {
  const functionsDir = fileURLToPath(new URL("../../functions", import.meta.url));

  it("finds functions/echo/index.ts", () => {
    expect(resolveFunctionEntry(functionsDir, "giraff:fn_echo")).toMatch(/functions\/echo\/index\.ts$/);
  });

  it("refuses an unknown image with a ProtocolError on `image`", () => {
    const err = (() => {
      try {
        resolveFunctionEntry(functionsDir, "nope:latest");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ field: "image", status: 400, value: "nope:latest" });
  });
});
