/**
 * Appends JSON lines to a file in large blocks: one stream write per line would dominate the time of generating
 * millions of events for a benchmark.
 */
import { createWriteStream, type WriteStream } from "node:fs";

export class LineWriter {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private size = 0;
  count = 0;
  constructor(path: string) {
    this.stream = createWriteStream(path);
  }
  async write(event: Record<string, unknown>): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    this.buffer.push(line);
    this.size += line.length;
    this.count++;
    if (this.size >= 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    const text = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(text)) await new Promise<void>((r) => this.stream.once("drain", () => r()));
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((r) => this.stream.end(() => r()));
  }
}
