/**
 * `npm run build:wasm`: compiles the fast path's AssemblyScript (wasm/match-lines.as.ts) into wasm/match-lines.wasm.
 * The .wasm is committed, so ingestion needs no compiler; wasm-lines.test.ts checks that it is the build of the
 * source, so the two cannot drift apart.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { consoleIo, isMain, runCommandLine, type CliIo } from "../../../runtime/util/cli.ts";
import { AnalysisError } from "../errors.ts";
import { WASM_PATH } from "./wasm-lines.ts";

export const WASM_SOURCE = fileURLToPath(new URL("./wasm/match-lines.as.ts", import.meta.url));

/** The compiled module: optimised, no runtime (the code allocates nothing), no assertions. */
export async function compileWasm(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  let messages = "";
  const collect = { write: (text: string | Uint8Array) => void (messages += String(text)) };
  const { error } = await asc.main(
    [WASM_SOURCE, "-O3", "--runtime", "stub", "--noAssert", "--outFile", "match-lines.wasm"],
    {
      stdout: collect,
      stderr: collect,
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
      },
    },
  );
  if (error !== null || binary === undefined) {
    throw new AnalysisError(`Cannot compile ${WASM_SOURCE}: ${error?.message ?? "no output"}\n${messages}`);
  }
  return binary;
}

const USAGE = `Usage: npm run build:wasm   (no argument but --help)

Compiles orchestrator/analysis/transcode/wasm/match-lines.as.ts into match-lines.wasm beside it, the committed
module ingestion loads.`;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  return runCommandLine(argv, USAGE, { options: {} }, io, async () => {
    const binary = await compileWasm();
    writeFileSync(WASM_PATH, binary);
    io.err(`Wrote ${WASM_PATH} (${binary.length} bytes).`);
    return 0;
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
