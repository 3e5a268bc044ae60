/** A logger that keeps its lines, so tests can assert what was (and was not) logged. */
import type { Logger } from "../types.ts";

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  private readonly listeners: ((line: string) => void)[] = [];

  info(message: string): void {
    this.record(message);
  }

  warn(message: string): void {
    this.record(`warning: ${message}`);
  }

  /** Calls `listener` with every later line. */
  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  private record(line: string): void {
    this.lines.push(line);
    for (const listener of this.listeners) listener(line);
  }
}
