/** Keeps the last `limit` bytes of a stream, so a chatty command cannot fill the orchestrator's memory. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Compact lazily: only when twice the limit is held, so most pushes are O(1).
    if (this.size > 2 * this.limit) this.compact();
  }

  toString(): string {
    this.compact();
    return Buffer.concat(this.chunks).toString("utf8");
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const kept = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    this.chunks = [kept];
    this.size = kept.length;
  }
}

/** Quotes a value for a POSIX shell: `'…'` with embedded quotes closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
