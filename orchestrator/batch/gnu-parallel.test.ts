/**
 * Interoperability with the real GNU parallel: our joblog must read, to `parallel --resume`, `--resume-failed` and
 * `--retry-failed`, exactly as one that parallel wrote for the same argument list, and we must read parallel's.
 * Needs the Debian package `parallel`. Under CI=true a missing binary fails the suite; locally it is skipped.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa, execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { gnuQuote, JOBLOG_HEADER, parseJoblogLine } from "./joblog.ts";
import { runBatch } from "./run-batch.ts";
import { fixture, readCampaign, recordingEffects, tempCampaign, workJobs } from "./testing/helpers.ts";

const PARALLEL = execaSync("sh", ["-c", "command -v parallel"], { reject: false }).stdout;
const KEYS = ["ok-1", "fail-2", "ok-3", "ok-4", "fail-5", "ok-6"];
const WORK = fixture("work.mjs");

/** Runs GNU parallel; answers its exit code and stdout. */
function parallel(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  return execa(PARALLEL, args, {
    stdin: "ignore",
    stderr: "ignore",
    stripFinalNewline: false,
    env,
    reject: false,
  }).then((r) => ({
    code: r.exitCode ?? null,
    stdout: r.stdout,
  }));
}

/** The keys that runs of fixtures/work.mjs appended to the marks file, i.e. what actually ran. */
async function marked(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).sort();
}

/** Our batch over KEYS, shuffled and halted after 3 finished runs: which Seqs did it finish? */
async function partialBatch(dir: string): Promise<{ finished: string[]; failed: string[] }> {
  await runBatch({
    jobs: workJobs(KEYS),
    dir,
    shuffle: { seed: "interop" },
    halt: "soon,done=3",
    effects: recordingEffects(),
  });
  const { joblog } = await readCampaign(dir);
  expect(joblog).toHaveLength(3);
  const key = (seq: number) => KEYS[seq - 1]!;
  return { finished: joblog.map((e) => key(e.seq)), failed: joblog.filter((e) => e.exit !== 0).map((e) => key(e.seq)) };
}

describe("GNU parallel interoperability", () => {
  if (!PARALLEL) {
    const message =
      "GNU parallel is not installed: install the Debian package `parallel` (apt-get install -y parallel).";
    if (process.env.CI === "true") it("needs GNU parallel under CI=true", () => expect.fail(message));
    else it.skip(`${message} Skipped outside CI.`, () => {});
    return;
  }

  it("writes the joblog parallel -k --joblog writes for the same commands", async () => {
    const gnu = join(await tempCampaign(), "gnu.joblog");
    await parallel(["-k", "--joblog", gnu, "node", WORK, "{}", "0", ":::", ...KEYS]);
    const dir = await tempCampaign();
    await runBatch({ jobs: workJobs(KEYS), dir, effects: recordingEffects() });
    const theirs = (await readFile(gnu, "utf8")).split("\n");
    const ours = (await readFile(join(dir, "joblog"), "utf8")).split("\n");
    expect(ours[0]).toBe(theirs[0]);
    expect(ours[0]).toBe(JOBLOG_HEADER);
    const shape = /^\d+\t:\t\d+\.\d{3}\t[ \d]{5}\d\.\d{3}\t0\t\d+\t-?\d+\t\d+\t.+$/;
    const comparable = (lines: string[]) =>
      lines.slice(1, -1).map((line) => {
        expect(line).toMatch(shape);
        const { seq, host, send, receive, exit, signal, command } = parseJoblogLine(line)!;
        return { seq, host, send, receive, exit, signal, command };
      });
    expect(comparable(ours).sort((a, b) => a.seq - b.seq)).toEqual(comparable(theirs).sort((a, b) => a.seq - b.seq));
  });

  it("quotes words in the Command column as parallel does", async () => {
    const words = ["a b", "d'e", "'x'", "", "x$y", "é", "tab\there", "plain-1.2/x+y", "*"];
    const { stdout } = await parallel(["-k", "--dry-run", "echo", ":::", ...words]);
    expect(stdout.split("\n").slice(0, -1)).toEqual(words.map((w) => `echo ${gnuQuote(w)}`));
  });

  it("parallel --resume skips exactly the runs our joblog marks finished, even after our shuffle", async () => {
    const dir = await tempCampaign();
    const { finished } = await partialBatch(dir);
    const marks = join(dir, "marks");
    await parallel(["--resume", "--joblog", join(dir, "joblog"), "node", WORK, "{}", "0", ":::", ...KEYS], {
      MARKS: marks,
    });
    expect(await marked(marks)).toEqual(KEYS.filter((k) => !finished.includes(k)).sort());
    const { joblog, warnings } = await readCampaign(dir);
    expect(warnings).toEqual([]);
    expect(joblog.map((e) => e.seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await runBatch({ jobs: workJobs(KEYS), dir, mode: "resume", effects: recordingEffects() })).ran).toBe(0);
  });

  it("parallel --resume-failed reruns our failed runs and the unrun ones", async () => {
    const dir = await tempCampaign();
    const { finished, failed } = await partialBatch(dir);
    const marks = join(dir, "marks");
    await parallel(
      ["--resume-failed", "--joblog", join(dir, "joblog"), "-k", "node", WORK, "{}", "0", ":::", ...KEYS],
      { MARKS: marks },
    );
    expect(await marked(marks)).toEqual(KEYS.filter((k) => failed.includes(k) || !finished.includes(k)).sort());
  });

  it("parallel --retry-failed replays the failed commands from our Command column", async () => {
    const dir = await tempCampaign();
    await runBatch({ jobs: workJobs(KEYS), dir, effects: recordingEffects() });
    const marks = join(dir, "marks");
    await parallel(["--retry-failed", "--joblog", join(dir, "joblog")], { MARKS: marks });
    expect(await marked(marks)).toEqual(["fail-2", "fail-5"]);
  });

  it("our resume continues a joblog that parallel wrote", async () => {
    const dir = await tempCampaign();
    await parallel([
      "-j1",
      "-k",
      "--halt",
      "soon,done=2",
      "--joblog",
      join(dir, "joblog"),
      "node",
      WORK,
      "{}",
      "0",
      ":::",
      ...KEYS,
    ]);
    const summary = await runBatch({ jobs: workJobs(KEYS), dir, mode: "resume", effects: recordingEffects() });
    expect(summary.order).toEqual(KEYS.slice(2));
    expect((await readCampaign(dir)).joblog.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
