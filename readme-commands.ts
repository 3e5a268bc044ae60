/**
 * The shell commands of the repository's READMEs, for readme-commands.test.ts. The rule:
 *
 * - A **command** starts with a command word (`npm`, `npx`, `node`, `curl`, `nix`, `nix-instantiate`, `docker`)
 *   followed by a space, optionally after `NAME=value` environment assignments (`PORT=5000 node …`).
 * - In a fenced code block tagged `sh`, `bash`, `shell` or `console`, every line is a command; an untagged block
 *   counts as shell only when every non-blank line is a command (the other untagged blocks are diagrams). A line
 *   that ends inside a quote or with `\` continues on the next; a `#` comment outside quotes is dropped.
 * - Outside fenced blocks, every inline code span (single backticks) that is a command counts, table cells
 *   included (`\|` reads `|`). Spans such as `CI=true`, `node:http` or `npm:` are not commands.
 *
 * A command is kept exactly as written (comment and surrounding blanks aside); placeholders such as `<campaign>`
 * are the test's to substitute.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { execa } from "execa";

export interface ReadmeCommand {
  /** The README's path, relative to the repository root. */
  readme: string;
  /** 1-based line where the command starts. */
  line: number;
  command: string;
}

const COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npm|npx|node|curl|nix|nix-instantiate|docker)\s/;
const SHELL_TAGS = new Set(["sh", "bash", "shell", "console"]);
const FENCE = /^\s*(`{3,}|~{3,})\s*([\w-]*)/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", "metrics-arks", "dist", ".observablehq"]);

/** Every README.md under `root`, skipping dependencies, results and build output; sorted. */
export function findReadmes(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name === "README.md") found.push(join(dir, entry.name));
    }
  };
  walk(root);
  return found.map((f) => relative(root, f)).sort();
}

export const isCommand = (text: string): boolean => COMMAND.test(text);

/** The commands of one README's text, in order. */
export function extractCommands(readme: string, text: string): ReadmeCommand[] {
  const lines = text.split("\n");
  const commands: ReadmeCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (fence === null) {
      for (const span of lines[i]!.matchAll(/(?<!`)`([^`]+)`(?!`)/g)) {
        const command = span[1]!.replaceAll("\\|", "|").trim();
        if (isCommand(command)) commands.push({ readme, line: i + 1, command });
      }
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence[1]!)) end++;
    commands.push(...blockCommands(readme, lines.slice(start, end), start + 1, fence[2]!));
    i = end;
  }
  return commands;
}

function blockCommands(readme: string, body: string[], firstLine: number, tag: string): ReadmeCommand[] {
  const joined: ReadmeCommand[] = [];
  let current: ReadmeCommand | undefined;
  body.forEach((text, i) => {
    if (current === undefined) {
      if (text.trim() === "") return;
      current = { readme, line: firstLine + i, command: text };
    } else {
      current.command += `\n${text}`;
    }
    if (!continues(current.command)) {
      joined.push({ ...current, command: withoutComment(current.command).trim() });
      current = undefined;
    }
  });
  if (current !== undefined) joined.push({ ...current, command: withoutComment(current.command).trim() });
  if (SHELL_TAGS.has(tag)) return joined;
  return tag === "" && joined.length > 0 && joined.every((c) => isCommand(c.command)) ? joined : [];
}

/** True when `text` ends inside a quote or with a backslash: the command goes on on the next line. */
function continues(text: string): boolean {
  return quoteAt(text, text.length) !== undefined || /\\\s*$/.test(text);
}

/** The quote character open at `index` of `text`, if any. */
function quoteAt(text: string, index: number): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < index; i++) {
    const c = text[i]!;
    if (quote === undefined && (c === "'" || c === '"')) quote = c;
    else if (c === quote) quote = undefined;
  }
  return quote;
}

function withoutComment(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "#" && (i === 0 || /\s/.test(text[i - 1]!)) && quoteAt(text, i) === undefined) {
      return text.slice(0, i);
    }
  }
  return text;
}

/** Every command of every README under `root`. */
export function readmeCommands(root: string): ReadmeCommand[] {
  return findReadmes(root).flatMap((readme) => extractCommands(readme, readFileSync(join(root, readme), "utf8")));
}

/** How a shell command ended, with everything it printed. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A command started with `bash -c` in its own process group, as a terminal starts a foreground job. */
export interface Started {
  pid: number;
  ended: Promise<Ended>;
  stdout: () => string;
  stderr: () => string;
}

const started = new Set<Started>();

/** Starts `command` exactly as written, with `bash -c` in `cwd`. */
export function startShell(command: string, cwd: string): Started {
  // detached: its own process group, which signalJob and runShell's time-out signal as a whole (execa's own kill
  // and timeout reach the group leader only)
  const child = execa("bash", ["-c", command], {
    cwd,
    detached: true,
    stdin: "ignore",
    buffer: false,
    reject: false,
    env: { npm_config_update_notifier: "false", NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const job: Started = {
    pid: child.pid!,
    ended: child.then((result) => {
      started.delete(job);
      // bash itself could not start: no exit code and no signal
      if (result.exitCode === undefined && result.signal === undefined) throw result;
      return { code: result.exitCode ?? null, signal: result.signal ?? null, stdout, stderr };
    }),
    stdout: () => stdout,
    stderr: () => stderr,
  };
  started.add(job);
  return job;
}

/** Sends `signal` to the job's whole process group (Ctrl-C is SIGINT to the foreground group). */
export function signalJob(job: Started, signal: NodeJS.Signals): void {
  try {
    process.kill(-job.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Runs `command` to its end; after `timeoutMs` its group is killed and the result says so in `stderr`. */
export async function runShell(command: string, cwd: string, timeoutMs: number): Promise<Ended> {
  const job = startShell(command, cwd);
  const timer = setTimeout(() => signalJob(job, "SIGKILL"), timeoutMs);
  try {
    const ended = await job.ended;
    if (ended.signal === "SIGKILL") ended.stderr += `\n[killed after ${timeoutMs} ms]`;
    return ended;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the first match of `pattern` in the job's stdout; rejects if the job ends or `timeoutMs` passes. */
export function waitForOutput(job: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(job.stdout());
      if (match === null) return false;
      finish();
      resolve(match);
      return true;
    };
    const poll = setInterval(check, 50);
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(`No ${pattern} on stdout after ${timeoutMs} ms.\nstdout: ${job.stdout()}\nstderr: ${job.stderr()}`),
      );
    }, timeoutMs);
    void job.ended.then((e) => {
      if (check()) return;
      finish();
      reject(
        new Error(
          `Ended (${e.code ?? e.signal}) before ${pattern} on stdout.\nstdout: ${e.stdout}\nstderr: ${e.stderr}`,
        ),
      );
    });
    const finish = () => {
      clearInterval(poll);
      clearTimeout(timer);
    };
    check();
  });
}

/** Kills every job still running (test teardown). */
export function killStartedJobs(): void {
  for (const job of started) signalJob(job, "SIGKILL");
}
