/**
 * Append-only line files (the joblog and runs.jsonl). Each line goes out in one `write` call followed by an fsync,
 * so a SIGKILL leaves at worst one torn last line. Readers tolerate and report that line; writers make sure the
 * next line starts on a line of its own.
 */
import type { FileHandle } from "node:fs/promises";
import type { BatchEffects } from "./types.ts";

export interface LineFileContent {
  exists: boolean;
  /** Complete lines, without their newline. */
  lines: string[];
  /** The text after the last newline (a line cut short by a kill), or null when the file ends cleanly. */
  torn: string | null;
  /** Byte length of the complete lines, i.e. where a torn tail starts. */
  cleanLength: number;
}

/** Reads a line file; a missing file reads as empty. */
export async function readLineFile(fs: BatchEffects["fs"], path: string): Promise<LineFileContent> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      return { exists: false, lines: [], torn: null, cleanLength: 0 };
    throw err;
  }
  const end = text.lastIndexOf("\n") + 1;
  const lines = end === 0 ? [] : text.slice(0, end - 1).split("\n");
  const torn = end === text.length ? null : text.slice(end);
  return { exists: true, lines, torn, cleanLength: Buffer.byteLength(text.slice(0, end)) };
}

/** An open line file; `append` calls are serialised so lines never interleave. */
export class LineAppender {
  #queue: Promise<void> = Promise.resolve();
  #needsNewline: boolean;

  private constructor(
    private readonly handle: FileHandle,
    needsNewline: boolean,
  ) {
    this.#needsNewline = needsNewline;
  }

  /**
   * Opens `path` for appending. With `header`, an empty file first gets the header line. A file that does not end in
   * a newline (a torn last line) makes the first appended line start with one, so the torn text stays on its own.
   */
  static async open(fs: BatchEffects["fs"], path: string, opts: { header?: string } = {}): Promise<LineAppender> {
    const handle = await fs.open(path, "a+");
    const { size } = await handle.stat();
    let needsNewline = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      needsNewline = last[0] !== 0x0a;
    }
    const appender = new LineAppender(handle, needsNewline);
    if (size === 0 && opts.header !== undefined) await appender.append(opts.header);
    return appender;
  }

  /** Appends one whole line (one write call) and fsyncs it. */
  append(line: string): Promise<void> {
    if (line.includes("\n")) throw new Error(`A line must not contain a newline: ${JSON.stringify(line)}.`);
    const next = this.#queue.then(async () => {
      const text = `${this.#needsNewline ? "\n" : ""}${line}\n`;
      await this.handle.write(text);
      this.#needsNewline = false;
      await this.handle.sync();
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.handle.close();
  }
}
