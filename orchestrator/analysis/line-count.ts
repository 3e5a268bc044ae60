/**
 * Counts the lines of an events file without parsing them. DuckDB's `read_json(..., ignore_errors=true)` silently
 * skips or blanks a line it cannot read, so invalid lines are counted as the difference between this count and the
 * rows kept. A file that does not end with a newline has a torn last line (a crash mid-write, DESIGN.md §3.2).
 */
import type { AnalysisEffects } from "./effects.ts";

export interface LineCount {
  bytes: number;
  /** Newline-terminated lines, plus one for a non-empty unterminated tail. */
  lines: number;
  tornLastLine: boolean;
}

const CHUNK = 1 << 20;

export async function countLines(path: string, { fs }: Pick<AnalysisEffects, "fs">): Promise<LineCount> {
  const handle = await fs.open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    let lines = 0;
    let last = -1;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      for (let i = buffer.indexOf(10); i !== -1 && i < bytesRead; i = buffer.indexOf(10, i + 1)) lines++;
      last = buffer[bytesRead - 1]!;
    }
    const tornLastLine = bytes > 0 && last !== 10;
    return { bytes, lines: lines + (tornLastLine ? 1 : 0), tornLastLine };
  } finally {
    await handle.close();
  }
}
