import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waitUntil } from "../../runtime/testing/wait.ts";
import { BatchError } from "./errors.ts";
import { formatJoblogLine } from "./joblog.ts";
import { runBatch } from "./run-batch.ts";
import {
  fixture,
  functionJobs,
  listDir,
  readCampaign,
  recordingEffects,
  tempCampaign,
  workJobs,
} from "./testing/helpers.ts";

describe("timeouts", () => {
  it("abort an in-process run through its signal and record it as timed out (Exitval -1, Signal 15)", async () => {
    const dir = await tempCampaign();
    const jobs = [
      {
        key: "stuck",
        run: ({ signal }: { signal: AbortSignal }) =>
          new Promise((_, no) => signal.addEventListener("abort", () => no(new Error("gave up")))),
      },
    ];
    const summary = await runBatch({ jobs, dir, timeoutMs: 50, effects: recordingEffects() });
    expect(summary).toMatchObject({ failed: 1, timedOut: 1, exitCode: 1 });
    const { joblog, records } = await readCampaign(dir);
    expect(joblog.map((e) => [e.exit, e.signal])).toEqual([[-1, 15]]);
    expect(records[0]).toMatchObject({
      timedOut: true,
      cancelled: false,
      final: true,
      error: "Stopped (timeout); gave up.",
    });
  });

  it("send SIGTERM to a command, then SIGKILL after the grace when it ignores SIGTERM", async () => {
    const dir = await tempCampaign();
    const jobs = [
      { key: "polite", command: ["node", fixture("forever.mjs")] },
      { key: "stubborn", command: ["node", fixture("forever.mjs"), "--ignore-term"] },
    ];
    const summary = await runBatch({
      jobs,
      dir,
      concurrency: 2,
      timeoutMs: 1_000,
      killGraceMs: 300,
      effects: recordingEffects(),
    });
    expect(summary).toMatchObject({ failed: 2, timedOut: 2 });
    const { records } = await readCampaign(dir);
    const byKey = Object.fromEntries(records.map((r) => [r.runKey, r]));
    expect(byKey.polite).toMatchObject({
      exit: -1,
      signal: 15,
      timedOut: true,
      error: "Stopped (timeout) with SIGTERM.",
    });
    expect(byKey.stubborn).toMatchObject({ exit: -1, signal: 9, timedOut: true });
    expect(byKey.stubborn!.error).toMatch(/SIGKILL after the grace period/);
    expect(await readFile(join(dir, "logs", "stubborn.log"), "utf8")).toMatch(/ready/);
  });
});

describe("interruption (Ctrl-C)", () => {
  it("cancels running commands, records them as cancelled, leaves nothing as if complete, and a resume reruns them", async () => {
    const dir = await tempCampaign();
    const ready = join(await tempCampaign(), "ready");
    const controller = new AbortController();
    const jobs = [
      ...workJobs(["w1"]),
      { key: "long", command: ["sh", "-c", `READY_FILE=${ready} exec node ${fixture("forever.mjs")}`] },
      ...workJobs(["w3"]),
    ];
    const running = runBatch({ jobs, dir, concurrency: 2, signal: controller.signal, effects: recordingEffects() });
    await waitUntil("the long run to start", () => readFile(ready, "utf8").then(() => true));
    await waitUntil("w1 to finish", async () => (await readCampaign(dir)).joblog.length === 1);
    controller.abort("SIGINT");
    const summary = await running;
    expect(summary.interrupted).toBe(true);
    expect(summary.cancelled).toBeGreaterThanOrEqual(1);
    const { joblog, records } = await readCampaign(dir);
    expect(joblog.map((e) => e.seq)).not.toContain(2);
    expect(records.find((r) => r.runKey === "long")).toMatchObject({
      cancelled: true,
      exit: -1,
      signal: 15,
      final: false,
    });
    expect(await listDir(dir)).not.toContain("long");
    expect(await listDir(dir)).toContain("long.err");

    const quick = [...workJobs(["w1"]), { key: "long", command: ["node", "-e", ""] }, ...workJobs(["w3"])];
    const resumed = await runBatch({ jobs: quick, dir, mode: "resume", effects: recordingEffects() });
    expect(resumed.order).toContain("long");
    expect(resumed.exitCode).toBe(0);
    expect(await listDir(dir)).toEqual(["batch.json", "joblog", "logs", "long", "runs.jsonl", "w1", "w3"]);
  });

  it("an already aborted signal starts nothing", async () => {
    const { jobs, calls } = functionJobs(3);
    const summary = await runBatch({
      jobs,
      dir: await tempCampaign(),
      signal: AbortSignal.abort(),
      effects: recordingEffects(),
    });
    expect(calls).toEqual([]);
    expect(summary).toMatchObject({ notStarted: 3, interrupted: true });
  });
});

describe("recovery after a kill", () => {
  it("tolerates torn last lines, truncates the joblog's (GNU cannot read it) and reports both", async () => {
    const dir = await tempCampaign();
    await runBatch({ jobs: functionJobs(3).jobs.slice(0, 2), dir, effects: recordingEffects() });
    await appendFile(join(dir, "joblog"), "3\t:\t17000");
    await appendFile(join(dir, "runs.jsonl"), '{"runKey":"k3","se');
    const effects = recordingEffects();
    const summary = await runBatch({ jobs: functionJobs(3).jobs, dir, mode: "resume", effects });
    expect(summary.order).toEqual(["k3"]);
    expect(summary.warnings).toEqual([
      expect.stringMatching(/^joblog ends with a torn line .*"3\\t:\\t17000"/),
      expect.stringMatching(/^runs.jsonl ends with a torn line/),
    ]);
    const joblog = await readFile(join(dir, "joblog"), "utf8");
    expect(joblog.split("\n").map((l) => l.split("\t")[0])).toEqual(["Seq", "1", "2", "3", ""]);
    const after = await readCampaign(dir);
    expect(after.records.map((r) => r.runKey)).toEqual(["k1", "k2", "k3"]);
    expect(after.warnings).toEqual([expect.stringMatching(/runs.jsonl line 3 is not a run record/)]);
  });

  it("rebuilds a missing joblog line from runs.jsonl and a missing record from the run's manifest", async () => {
    const dir = await tempCampaign();
    await runBatch({ jobs: functionJobs(3).jobs, dir, effects: recordingEffects() });
    const lines = (await readFile(join(dir, "joblog"), "utf8")).split("\n");
    await writeFile(join(dir, "joblog"), lines.slice(0, 3).join("\n") + "\n"); // k3's joblog line lost
    const records = (await readFile(join(dir, "runs.jsonl"), "utf8")).split("\n");
    await writeFile(join(dir, "runs.jsonl"), records.slice(0, 1).join("\n") + "\n"); // k2's and k3's records lost
    await writeFile(join(dir, "joblog"), lines.slice(0, 2).join("\n") + "\n"); // and k2's joblog line
    const effects = recordingEffects();
    const again = functionJobs(3);
    const summary = await runBatch({ jobs: again.jobs, dir, mode: "resume", effects });
    expect(again.calls).toEqual([]);
    expect(summary.recovered).toBe(4);
    expect(
      effects.events
        .filter((e) => e.type === "recovered")
        .map((e) => e.type === "recovered" && `${e.runKey}<${e.from}`),
    ).toEqual([...["k2<manifest", "k3<manifest", "k2<runs.jsonl", "k3<runs.jsonl"]]);
    const { joblog } = await readCampaign(dir);
    expect(joblog.map((e) => e.seq)).toEqual([1, 2, 3]);
    const manifest = JSON.parse(await readFile(join(dir, "k3", "manifest.json"), "utf8"));
    expect(formatJoblogLine(manifest.record)).toBe((await readFile(join(dir, "joblog"), "utf8")).split("\n")[3]);
  });

  it("removes temporary run directories of dead processes and refuses a directory locked by a live one", async () => {
    const dir = await tempCampaign();
    await mkdir(join(dir, "k1.tmp-999999999"), { recursive: true });
    await writeFile(join(dir, "batch.lock"), `${process.ppid}\n`);
    const err = await runBatch({ jobs: functionJobs(1).jobs, dir }).catch((e: unknown) => e);
    BatchError.assert(err, {
      message: new RegExp(`Another batch \\(pid ${process.ppid}\\) is running in .*; wait for it`),
    });
    await writeFile(join(dir, "batch.lock"), "999999999\n");
    await runBatch({ jobs: functionJobs(1).jobs, dir, effects: recordingEffects() });
    expect(await listDir(dir)).toEqual(["batch.json", "joblog", "k1", "logs", "runs.jsonl"]);
  });
});
