/**
 * The raw shape of one events file: its bytes, its lines (newline-terminated, plus a non-empty unterminated tail)
 * and whether its last line is torn. DuckDB's `read_json` gives a row per non-blank line (a row of NULLs for a line it
 * cannot parse) and none for a blank one, so the invalid lines of a file are `lines` − the valid rows read from it.
 * Reads with `effects.fs.open`, in 1 MiB chunks.
 */
import type { AnalysisEffects } from "./effects.ts";

export interface LineCount {
  bytes: number;
  lines: number;
  tornLastLine: boolean;
}

const CHUNK = 1 << 20;
const NEWLINE = 10;

export async function countLines(path: string, fs: Pick<AnalysisEffects["fs"], "open">): Promise<LineCount> {
  const handle = await fs.open(path, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  let lines = 0;
  let last = NEWLINE;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      for (let i = buf.indexOf(NEWLINE); i !== -1 && i < bytesRead; i = buf.indexOf(NEWLINE, i + 1)) lines++;
      last = buf[bytesRead - 1]!;
    }
  } finally {
    await handle.close();
  }
  const tornLastLine = last !== NEWLINE;
  return { bytes, lines: lines + (tornLastLine ? 1 : 0), tornLastLine };
}
