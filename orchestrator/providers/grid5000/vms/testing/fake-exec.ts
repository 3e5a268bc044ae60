/**
 * A recording **fake** `RemoteExec` for tests (STYLE.md §4): it keeps every command in a transcript and answers
 * from rules, first match wins, so a test states how the world looks ("`virsh list` shows these domains") and
 * then reads what the code did. Unmatched commands succeed with empty output.
 */
import type { ExecOutcome, RemoteExec } from "../exec.ts";

export interface Call {
  host: string;
  command: string;
}

type Answer = Partial<ExecOutcome> | Error;
type Rule = { matches: (call: Call) => boolean; answer: (call: Call) => Answer };

export class FakeExec implements RemoteExec {
  readonly calls: Call[] = [];
  private readonly rules: Rule[] = [];

  /** Answers commands matching `pattern` (on `host`, when given); `answer` may be a function of the call. */
  on(pattern: RegExp, answer: Answer | ((call: Call) => Answer), host?: string): this {
    this.rules.push({
      matches: (c) => pattern.test(c.command) && (host === undefined || c.host === host),
      answer: typeof answer === "function" ? answer : () => answer,
    });
    return this;
  }

  async exec(host: string, command: string): Promise<ExecOutcome> {
    const call = { host, command };
    this.calls.push(call);
    const answer = this.rules.find((r) => r.matches(call))?.answer(call) ?? {};
    if (answer instanceof Error) throw answer;
    return { exitCode: answer.exitCode ?? 0, stdoutTail: answer.stdoutTail ?? "", stderrTail: answer.stderrTail ?? "" };
  }

  /** Calls whose command matches `pattern`. */
  matching(pattern: RegExp): Call[] {
    return this.calls.filter((c) => pattern.test(c.command));
  }

  /**
   * The transcript as text: `$ host` then the command, one block per call. Hosts run in parallel, so calls are
   * grouped by host (hosts sorted by name) and kept in call order within a host: the order that matters.
   */
  transcript(): string {
    const hosts = [...new Set(this.calls.map((c) => c.host))].sort();
    const sorted = hosts.flatMap((h) => this.calls.filter((c) => c.host === h));
    return sorted.map((c) => `$ ${c.host}\n${c.command}\n`).join("\n");
  }
}
