/**
 * One command attempt, as execa runs it: how it ended in GNU's terms (exit value, signal), what went to its log, and
 * the 127 of a command that could not be started at all.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand, type CommandOptions } from "./attempt.ts";
import { defaultEffects } from "./effects.ts";
import { tempCampaign } from "./testing/helpers.ts";
import type { RunContext } from "./types.ts";

async function attempt(argv: string[], env: Record<string, string> = {}) {
  const dir = await tempCampaign();
  const ctx: RunContext = {
    key: "k",
    seq: 1,
    params: {},
    attempt: 1,
    signal: new AbortController().signal,
    runDir: dir,
  };
  const opts: CommandOptions = { logPath: join(dir, "k.log"), env, killGraceMs: 1000, effects: defaultEffects };
  const outcome = await runCommand(argv, ctx, opts);
  return { outcome, log: await readFile(opts.logPath, "utf8") };
}

describe("a command attempt", () => {
  it("keeps the exit code, logs stdout and stderr, counts stdout bytes and passes the run's environment", async () => {
    const { outcome, log } = await attempt(["sh", "-c", 'printf "$GREETING"; echo oops >&2; exit 3'], {
      GREETING: "hello",
    });
    expect(outcome).toEqual({ exit: 3, signal: 0, stopped: false, error: "Exited with code 3.", receive: 5 });
    expect(log).toMatch(/attempt 1: sh -c .*\nhello/);
    expect(log).toContain("oops\n");
  });

  it("answers the signal that ended a command it did not stop", async () => {
    const { outcome } = await attempt(["sh", "-c", "kill -TERM $$"]);
    expect(outcome).toMatchObject({ exit: 0, signal: 15, stopped: false, error: "Exited with SIGTERM." });
  });

  it("answers 127 with the spawn error for a command that does not exist", async () => {
    const { outcome } = await attempt(["giraff-no-such-command", "x"]);
    expect(outcome).toEqual({
      exit: 127,
      signal: 0,
      stopped: false,
      error: "Could not start `giraff-no-such-command`: spawn giraff-no-such-command ENOENT",
      receive: 0,
    });
  });
});
