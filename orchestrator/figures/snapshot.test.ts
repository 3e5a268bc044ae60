import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertSnapshot } from "./snapshot.ts";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => (dir = mkdtempSync(join(tmpdir(), "figure-snapshots-")));

describe("assertSnapshot", () => {
  it("writes a missing snapshot locally and passes", () => {
    fresh();
    expect(assertSnapshot("f", "<svg/>", { dir, ci: false })).toBe("created");
    expect(readFileSync(join(dir, "f.svg"), "utf8")).toBe("<svg/>");
  });

  it("fails on a missing snapshot under CI, writing nothing", () => {
    fresh();
    expect(() => assertSnapshot("f", "<svg/>", { dir, ci: true })).toThrow(/Missing snapshot/);
    expect(existsSync(join(dir, "f.svg"))).toBe(false);
  });

  it("compares after normalising, so only float noise and id numbers may differ", () => {
    fresh();
    writeFileSync(join(dir, "f.svg"), '<g id="clip3" x="1.0004"/>');
    expect(assertSnapshot("f", '<g id="clip8" x="1.0001"/>', { dir, ci: true })).toBe("matched");
  });

  it("writes <name>-changed.svg and fails on a mismatch, and removes it once matched again", () => {
    fresh();
    writeFileSync(join(dir, "f.svg"), "<svg>old</svg>");
    expect(() => assertSnapshot("f", "<svg>new</svg>", { dir })).toThrow(/f-changed\.svg/);
    expect(readFileSync(join(dir, "f-changed.svg"), "utf8")).toBe("<svg>new</svg>");
    expect(assertSnapshot("f", "<svg>old</svg>", { dir })).toBe("matched");
    expect(existsSync(join(dir, "f-changed.svg"))).toBe(false);
  });
});
