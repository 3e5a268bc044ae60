/**
 * A plain leveled logger: one line per message, `<time> <level> <name>: <message>`. Processes write to stderr or
 * to `logs/<process>.log`; tests pass a recording logger.
 */
export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(name: string): Logger;
}

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(name: string, opts: { level?: Level; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[opts.level ?? (process.env.GIRAFF_LOG_LEVEL as Level | undefined) ?? "info"] ?? 1;
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const at = (level: Level) => (message: string) => {
    if (ORDER[level] < min) return;
    write(`${new Date().toISOString()} ${level.padEnd(5)} ${name}: ${message}\n`);
  };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (sub) => createLogger(`${name}/${sub}`, opts),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
