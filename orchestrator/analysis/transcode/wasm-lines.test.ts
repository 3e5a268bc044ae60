import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileWasm } from "./build-wasm.ts";
import { powersOfTen, WASM_PATH } from "./wasm-lines.ts";

describe("the fast path's WebAssembly", () => {
  it("is the build of its AssemblyScript source (run `npm run build:wasm` after changing it)", async () => {
    const built = await compileWasm();
    expect(Buffer.from(built).equals(readFileSync(WASM_PATH))).toBe(true);
  }, 60_000);

  it("gets Eisel-Lemire's table of 128-bit mantissas of powers of ten, truncated", () => {
    const table = powersOfTen();
    const row = (e: number) => [table[(e + 348) * 2 + 1], table[(e + 348) * 2]];
    expect(row(0)).toEqual([0x8000000000000000n, 0n]);
    expect(row(1)).toEqual([0xa000000000000000n, 0n]);
    expect(row(-1)).toEqual([0xccccccccccccccccn, 0xccccccccccccccccn]);
    // 10^-348 and 10^347 bound the table, each normalised to 128 bits
    for (const e of [-348, -19, 22, 347]) expect(row(e)[0]! >> 63n).toBe(1n);
  });
});
