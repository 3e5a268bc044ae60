/**
 * The transport's one error class (STYLE.md §9). A failed command, connection or transfer carries enough fields
 * to act on without parsing the text, and a message with one sentence per reason, like execa's. Secrets (keys,
 * passphrases, `env` values) are never put in it: only the command as the caller wrote it.
 */
import { ExecaError } from "execa";

export interface RemoteCommandErrorFields {
  host: string;
  /** The command as given by the caller (for transfers, e.g. `sftp put ./a → /tmp/a`). */
  command: string;
  exitCode?: number | undefined;
  signal?: string | undefined;
  durationMs: number;
  stdoutTail?: string;
  stderrTail?: string;
  timedOut?: boolean;
  /** The time limit that `timedOut` refers to. */
  timeoutMs?: number | undefined;
  isCanceled?: boolean;
  /** No SSH session could be opened: refused, no route, DNS, connect timeout, jump host refused to forward. */
  isUnreachable?: boolean;
  isAuthFailure?: boolean;
  isHostKeyRejected?: boolean;
  /** An open connection closed under the work (server gone, reset, keep-alives unanswered); a new one may work. */
  isConnectionLost?: boolean;
  /** A sentence for a reason the flags do not cover, e.g. "The SFTP server answered: No such file." */
  detail?: string | undefined;
  cause?: unknown;
}

const MESSAGE_TAIL_CHARS = 500;

export class RemoteCommandError extends Error {
  override name = "RemoteCommandError";
  readonly host: string;
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly durationMs: number;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  readonly timedOut: boolean;
  readonly isCanceled: boolean;
  readonly isUnreachable: boolean;
  readonly isAuthFailure: boolean;
  readonly isHostKeyRejected: boolean;
  readonly isConnectionLost: boolean;
  readonly timeoutMs: number | undefined;
  readonly detail: string | undefined;

  constructor(fields: RemoteCommandErrorFields) {
    super(describe(fields), { cause: fields.cause });
    this.host = fields.host;
    this.command = fields.command;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.durationMs = fields.durationMs;
    this.stdoutTail = fields.stdoutTail ?? "";
    this.stderrTail = fields.stderrTail ?? "";
    this.timedOut = fields.timedOut ?? false;
    this.isCanceled = fields.isCanceled ?? false;
    this.isUnreachable = fields.isUnreachable ?? false;
    this.isAuthFailure = fields.isAuthFailure ?? false;
    this.isHostKeyRejected = fields.isHostKeyRejected ?? false;
    this.isConnectionLost = fields.isConnectionLost ?? false;
    this.timeoutMs = fields.timeoutMs;
    this.detail = fields.detail;
  }

  /** The same failure, attributed to another command (a connect error surfacing in an `exec`). */
  withCommand(command: string, durationMs: number): RemoteCommandError {
    return new RemoteCommandError({ ...this, command, durationMs, cause: this.cause });
  }

  /** Test helper: fails unless `err` is a RemoteCommandError whose message matches and whose fields equal `expected`. */
  static assert(
    err: unknown,
    expected: { message?: RegExp } & Partial<Omit<RemoteCommandErrorFields, "cause">> = {},
  ): asserts err is RemoteCommandError {
    if (!(err instanceof RemoteCommandError)) throw new Error(`Expected a RemoteCommandError, got ${String(err)}`);
    const { message, ...fields } = expected;
    if (message !== undefined && !message.test(err.message)) {
      throw new Error(`Expected the message to match ${message}, got: ${err.message}`);
    }
    for (const [key, value] of Object.entries(fields)) {
      const actual = (err as unknown as Record<string, unknown>)[key];
      if (actual !== value) throw new Error(`Expected \`${key}\` to be ${String(value)}, got ${String(actual)}.`);
    }
  }
}

export function isRemoteCommandError(err: unknown): err is RemoteCommandError {
  return err instanceof RemoteCommandError;
}

function describe(f: RemoteCommandErrorFields): string {
  const what = `\`${f.command}\` on ${f.host}`;
  const sentences: string[] = [];
  if (f.isCanceled) sentences.push(`${what} was canceled after ${f.durationMs} ms.`);
  if (f.timedOut) sentences.push(`${what} timed out after ${f.timeoutMs ?? f.durationMs} ms.`);
  if (f.isUnreachable) sentences.push(`${f.host} is unreachable over SSH.`);
  if (f.isAuthFailure) sentences.push(`${f.host} rejected the SSH key.`);
  if (f.isHostKeyRejected) sentences.push(`The host key of ${f.host} was rejected by the host-key policy.`);
  if (f.isConnectionLost) sentences.push(`The SSH connection to ${f.host} was lost.`);
  if (f.exitCode !== undefined && f.exitCode !== 0) sentences.push(`${what} exited with code ${f.exitCode}.`);
  if (f.signal !== undefined) sentences.push(`${what} was killed by signal ${f.signal}.`);
  if (sentences.length === 0) sentences.push(`${what} failed.`);
  if (f.detail !== undefined) sentences.push(f.detail);
  // execa's error (a local process such as rsync) restates the command line the fields already describe: kept as the
  // cause for the full detail, not repeated in the message
  const cause = f.cause instanceof Error && !(f.cause instanceof ExecaError) ? f.cause.message : undefined;
  if (cause !== undefined && (f.isUnreachable || f.isAuthFailure || f.detail === undefined)) {
    sentences.push(`Cause: ${cause.replace(/\.?$/, ".")}`);
  }
  const tails = [tail("stderr", f.stderrTail), tail("stdout", f.stdoutTail)].filter((t) => t !== "");
  return [sentences.join(" "), ...tails].join("\n");
}

function tail(label: string, text: string | undefined): string {
  const trimmed = (text ?? "").trimEnd();
  if (trimmed === "") return "";
  const cut = trimmed.length > MESSAGE_TAIL_CHARS ? `…${trimmed.slice(-MESSAGE_TAIL_CHARS)}` : trimmed;
  return `${label}:\n${cut}`;
}
