/**
 * The command-line shell every CLI of the repository shares: `node:util` `parseArgs` (strict) plus `--help`, and
 * one exit-status rule. `--help` prints the usage on stdout and exits 0; a bad command line (an unknown option, a
 * missing or malformed value, a wrong number of arguments) prints one sentence naming the option or argument and
 * its value, then the usage, on stderr, and exits 2. Any other failure the CLI foresees is a {@link CliError}: its
 * sentence on stderr, and its exit code.
 *
 *   export async function main(argv: readonly string[], io = consoleIo): Promise<number> {
 *     return runCommandLine(argv, USAGE, { options: { out: { type: "string" } }, allowPositionals: true }, io,
 *       async ({ values, positionals }) => { …; throw new UsageError("Expected …, got …."); … return 0; });
 *   }
 *   if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Where a CLI writes whole lines: `out` is stdout (results, `--help`), `err` is stderr (progress, errors). */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const consoleIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/**
 * A failure a CLI reports as one sentence on stderr and ends with `exitCode` (1 unless said; 2 is bad usage or bad
 * input). Throw it from a {@link runCommandLine} body; a domain error stays in `cause`.
 */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }

  static is(err: unknown): err is CliError {
    return err instanceof CliError;
  }

  /**
   * `err` as a CliError: itself; an Error that carries an integer `exitCode` (a domain error that knows how a CLI
   * ends, e.g. `AnalysisError`), with its message and code; anything else as `Failed: <message>`, exit 1.
   */
  static from(err: unknown): CliError {
    if (CliError.is(err)) return err;
    const message = err instanceof Error ? err.message : String(err);
    const exitCode = (err as { exitCode?: unknown } | null)?.exitCode;
    if (err instanceof Error && Number.isInteger(exitCode))
      return new CliError(message, { exitCode: exitCode as number, cause: err });
    return new CliError(`Failed: ${message}`, { exitCode: 1, cause: err });
  }

  /** Test helper: throws unless `err` is a CliError whose message matches and whose exit code is the one given. */
  static assert(err: unknown, expected: { message?: RegExp; exitCode?: number }): asserts err is CliError {
    if (!CliError.is(err)) throw new Error(`Expected a CliError, got ${String(err)}.`);
    if (expected.message !== undefined && !expected.message.test(err.message))
      throw new Error(`Expected the message to match ${expected.message}, got "${err.message}".`);
    if (expected.exitCode !== undefined && err.exitCode !== expected.exitCode)
      throw new Error(`Expected exit code ${expected.exitCode}, got ${err.exitCode}.`);
  }
}

/** A command line the CLI cannot accept (exit 2, then the usage); one sentence naming the option or argument and its value. */
export class UsageError extends CliError {
  override name = "UsageError";

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: 2, cause: options.cause });
  }
}

/** What a CLI declares: its options and whether it takes positional arguments (`--help` is always added). */
export type CommandLineConfig = Pick<ParseArgsConfig, "options" | "allowPositionals">;

const HELP = { help: { type: "boolean" } } as const;

/** What `parseArgs` returns for `config`, `--help` included. */
export type ParsedCommandLine<C extends CommandLineConfig> = ReturnType<
  typeof parseArgs<{
    args: string[];
    strict: true;
    options: C["options"] & typeof HELP;
    allowPositionals: C["allowPositionals"];
  }>
>;

/**
 * Parses `argv` strictly against `config` and runs `body` with the result. Returns 0 after `--help`, 2 after a bad
 * command line (a `parseArgs` error, or a {@link UsageError} thrown by `body`), the exit code of a {@link CliError}
 * thrown by `body` after printing its message, else `body`'s exit status. Other errors propagate.
 */
export async function runCommandLine<C extends CommandLineConfig>(
  argv: readonly string[],
  usage: string,
  config: C,
  io: CliIo,
  body: (args: ParsedCommandLine<C>) => number | Promise<number>,
): Promise<number> {
  let args: ParsedCommandLine<C>;
  try {
    args = parseArgs({
      args: [...argv],
      strict: true,
      options: { ...config.options, ...HELP },
      allowPositionals: config.allowPositionals,
    }) as ParsedCommandLine<C>;
  } catch (err) {
    return badCommandLine(io, usage, (err as Error).message);
  }
  if ((args.values as { help?: boolean }).help === true) {
    io.out(usage);
    return 0;
  }
  try {
    return await body(args);
  } catch (err) {
    if (err instanceof UsageError) return badCommandLine(io, usage, err.message);
    if (!CliError.is(err)) throw err;
    io.err(err.message);
    return err.exitCode;
  }
}

function badCommandLine(io: CliIo, usage: string, sentence: string): number {
  io.err(`${sentence}\n\n${usage}`);
  return 2;
}

/**
 * True when the module at `moduleUrl` is the program node was started with (Node 20 has no `import.meta.main`).
 * Both sides are real paths, so a symlinked checkout or a path that needs URL escaping still counts.
 */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** A {@link CliIo} that keeps what a CLI printed, for tests: `stdout`, `stderr`, and both in order as `lines`. */
export function recordingIo(): CliIo & { stdout: string[]; stderr: string[]; lines: string[] } {
  const io = {
    stdout: [] as string[],
    stderr: [] as string[],
    lines: [] as string[],
    out: (line: string) => void (io.stdout.push(line), io.lines.push(line)),
    err: (line: string) => void (io.stderr.push(line), io.lines.push(line)),
  };
  return io;
}

/**
 * Resolves with the first SIGINT or SIGTERM. The handlers stay installed, so the copies of one Ctrl-C (the terminal
 * signals the whole foreground group, and npm and tsx each relay it to their child) do not kill the process while it
 * shuts down.
 */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => resolve(signal));
  });
}
