import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchError } from "./errors.ts";
import { runBatch } from "./run-batch.ts";
import { functionJobs, listDir, readCampaign, recordingEffects, tempCampaign, workJobs } from "./testing/helpers.ts";

const quiet = () => recordingEffects();

describe("modes", () => {
  it("fresh runs everything, then refuses to run over the joblog and says what to do", async () => {
    const dir = await tempCampaign();
    const { jobs, calls } = functionJobs(3, ["k2"]);
    const summary = await runBatch({ jobs, dir, effects: quiet() });
    expect(summary).toMatchObject({ ran: 3, succeeded: 2, failed: 1, exitCode: 1, skipped: 0 });
    expect(calls).toEqual(["k1", "k2", "k3"]);
    const err = await runBatch({ jobs, dir, effects: quiet() }).catch((e: unknown) => e);
    BatchError.assert(err, { field: "mode", message: /already holds a batch.*use mode `resume`.*`force` \(--force\)/ });
    expect(calls).toHaveLength(3);
  });

  it("fresh with force moves the previous batch to archive/ instead of deleting it", async () => {
    const dir = await tempCampaign();
    await runBatch({ jobs: functionJobs(2).jobs, dir, effects: quiet() });
    const summary = await runBatch({ jobs: functionJobs(2).jobs, dir, force: true, effects: quiet() });
    expect(summary.ran).toBe(2);
    const [stamp] = await listDir(join(dir, "archive"));
    expect(await listDir(join(dir, "archive", stamp!))).toEqual([
      "batch.json",
      "joblog",
      "k1",
      "k2",
      "logs",
      "runs.jsonl",
    ]);
    expect((await readCampaign(dir)).joblog).toHaveLength(2);
  });

  it("resume skips every run with a joblog line, whatever its exit value", async () => {
    const dir = await tempCampaign();
    const first = functionJobs(4, ["k2"]);
    await runBatch({ jobs: first.jobs.slice(0, 2), dir, effects: quiet() });
    const again = functionJobs(4, ["k2"]);
    const summary = await runBatch({ jobs: again.jobs, dir, mode: "resume", effects: quiet() });
    expect(again.calls).toEqual(["k3", "k4"]);
    // GNU counts only the runs this invocation ran: k2's old failure does not count.
    expect(summary).toMatchObject({ skipped: 2, ran: 2, failed: 0, exitCode: 0 });
  });

  it("resume on an empty directory starts the batch", async () => {
    const { jobs, calls } = functionJobs(2);
    await runBatch({ jobs, dir: await tempCampaign(), mode: "resume", effects: quiet() });
    expect(calls).toEqual(["k1", "k2"]);
  });

  it("resume-failed reruns failed and never-run runs; retry-failed reruns only failed ones", async () => {
    const dir = await tempCampaign();
    await runBatch({ jobs: functionJobs(4, ["k1", "k2"]).jobs.slice(0, 3), dir, effects: quiet() });
    const retry = functionJobs(4, ["k2"]);
    expect(await runBatch({ jobs: retry.jobs, dir, mode: "retry-failed", effects: quiet() })).toMatchObject({
      ...{ ran: 2, succeeded: 1, failed: 1, exitCode: 1 },
    });
    expect(retry.calls).toEqual(["k1", "k2"]);
    const resume = functionJobs(4);
    await runBatch({ jobs: resume.jobs, dir, mode: "resume-failed", effects: quiet() });
    expect(resume.calls).toEqual(["k2", "k4"]);
    const { joblog } = await readCampaign(dir);
    expect(joblog.map((e) => `${e.seq}:${e.exit}`)).toEqual(["1:3", "2:3", "3:0", "1:0", "2:3", "2:0", "4:0"]);
  });

  it("retry-failed replays the recorded command line, as GNU does", async () => {
    const dir = await tempCampaign();
    await runBatch({ jobs: workJobs(["ok-1", "fail-2"]), dir, effects: quiet() });
    const changed = workJobs(["ok-1", "fail-2"]).map((j) => ({ ...j, command: ["node", "-e", "process.exit(0)"] }));
    const summary = await runBatch({ jobs: changed, dir, mode: "retry-failed", effects: quiet() });
    expect(summary).toMatchObject({ ran: 1, failed: 1, order: ["fail-2"] });
    expect(await readFile(join(dir, "logs", "fail-2.log"), "utf8")).toMatch(
      /attempt 1: node .*work\.mjs fail-2 0\ndone fail-2\n.*attempt 1: node .*work\.mjs fail-2/s,
    );
  });

  it("retry-failed without a joblog is an error that says what to do", async () => {
    const err = await runBatch({ jobs: functionJobs(1).jobs, dir: await tempCampaign(), mode: "retry-failed" }).catch(
      (e: unknown) => e,
    );
    BatchError.assert(err, { message: /has no joblog, so there is nothing to retry; use mode `fresh`/ });
  });
});

describe("retries", () => {
  it("logs every attempt in runs.jsonl and only the last one in the joblog", async () => {
    const dir = await tempCampaign();
    let tries = 0;
    const jobs = [
      {
        key: "flaky",
        run: async () => {
          if (++tries < 3) throw new Error(`try ${tries}`);
        },
      },
      { key: "broken", command: ["node", "-e", "process.exit(4)"] },
    ];
    const summary = await runBatch({ jobs, dir, retries: 3, effects: quiet() });
    expect(summary).toMatchObject({ succeeded: 1, failed: 1, exitCode: 1 });
    const { joblog, records } = await readCampaign(dir);
    expect(records.map((r) => `${r.runKey}#${r.attempt}:${r.exit}:${r.final}`).sort()).toEqual([
      ...["broken#1:4:false", "broken#2:4:false", "broken#3:4:true"],
      ...["flaky#1:1:false", "flaky#2:1:false", "flaky#3:0:true"],
    ]);
    expect(joblog.map((e) => `${e.seq}:${e.exit}`).sort()).toEqual(["1:0", "2:4"]);
    expect(await listDir(dir)).toEqual(["batch.json", "broken.err", "flaky", "joblog", "logs", "runs.jsonl"]);
  });
});

describe("shuffle", () => {
  it("records the seed and the order, keeps Seq stable, and a resume replays the recorded seed", async () => {
    const dir = await tempCampaign();
    const keys = Array.from({ length: 8 }, (_, i) => `k${i + 1}`);
    const first = functionJobs(8, ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"]);
    const summary = await runBatch({
      jobs: first.jobs,
      dir,
      shuffle: { seed: "s-42" },
      halt: "soon,fail=3",
      effects: quiet(),
    });
    const batch = JSON.parse(await readFile(join(dir, "batch.json"), "utf8"));
    expect(batch).toMatchObject({ seed: "s-42", jobs: keys.map((key, i) => ({ seq: i + 1, key })) });
    expect(batch.order).not.toEqual(keys);
    expect(first.calls).toEqual(batch.order.slice(0, 3));
    expect(summary).toMatchObject({ failed: 3, notStarted: 5, halted: { rule: "soon,fail=3" } });
    // Each joblog line's Seq is the key's place in the unshuffled list, not its place in the shuffled order.
    const { joblog } = await readCampaign(dir);
    expect(joblog.map((e) => e.command)).toEqual(first.calls.map((k) => `giraff-run ${k}`));
    expect(joblog.map((e) => e.seq)).toEqual(first.calls.map((k) => keys.indexOf(k) + 1));

    const rest = functionJobs(8);
    const resumed = await runBatch({ jobs: rest.jobs, dir, mode: "resume-failed", shuffle: {}, effects: quiet() });
    expect(resumed.seed).toBe("s-42");
    expect(rest.calls).toEqual(batch.order);
    const again = functionJobs(8);
    await runBatch({ jobs: again.jobs, dir, mode: "resume-failed", shuffle: {}, effects: quiet() });
    expect(again.calls).toEqual([]);
  });

  it("refuses a job list whose keys moved since batch.json was written", async () => {
    const dir = await tempCampaign();
    const { jobs } = functionJobs(3);
    await runBatch({ jobs, dir, effects: quiet() });
    const err = await runBatch({ jobs: [jobs[1]!, jobs[0]!, jobs[2]!], dir, mode: "resume" }).catch((e: unknown) => e);
    BatchError.assert(err, {
      field: "jobs",
      message: /Run key `k1` was Seq 1 .* but is Seq 2 now; .*keep the job list/,
    });
    const grown = functionJobs(4);
    expect((await runBatch({ jobs: grown.jobs, dir, mode: "resume", effects: quiet() })).ran).toBe(1);
  });
});

describe("halt", () => {
  it("soon stops starting runs and lets running ones finish", async () => {
    const dir = await tempCampaign();
    const { jobs, calls } = functionJobs(6, ["k2"]);
    const summary = await runBatch({ jobs, dir, halt: "soon,fail=1", effects: quiet() });
    expect(calls).toEqual(["k1", "k2"]);
    expect(summary).toMatchObject({ ran: 2, notStarted: 4, halted: { rule: "soon,fail=1" }, exitCode: 1 });
  });

  it("now cancels running runs: recorded as cancelled in runs.jsonl only, so a resume reruns them", async () => {
    const dir = await tempCampaign();
    let started = 0;
    const hang = (key: string) => ({
      key,
      run: ({ signal }: { signal: AbortSignal }) =>
        new Promise<void>((_, reject) => {
          started++;
          signal.addEventListener("abort", () => reject(new Error(`aborted: ${String(signal.reason)}`)));
        }),
    });
    const waitForOthers = async () => {
      while (started < 2) await new Promise((r) => setImmediate(r));
      throw new Error("boom");
    };
    const jobs = [hang("h1"), hang("h2"), { key: "bad", run: waitForOthers }, hang("h3")];
    const summary = await runBatch({ jobs, dir, concurrency: 3, halt: "now,fail=1", effects: quiet() });
    expect(summary).toMatchObject({
      failed: 1,
      cancelled: 2,
      notStarted: 1,
      exitCode: 1,
      halted: { rule: "now,fail=1" },
    });
    const { joblog, records } = await readCampaign(dir);
    expect(joblog.map((e) => e.seq)).toEqual([3]);
    // both cancellations are written concurrently: their order in runs.jsonl is not part of the contract
    const cancelled = records.filter((r) => r.cancelled).sort((a, b) => (a.runKey < b.runKey ? -1 : 1));
    expect(cancelled.map((r) => [r.runKey, r.exit, r.signal, r.error])).toEqual([
      ["h1", -1, 15, "Stopped (halt); aborted: halt."],
      ["h2", -1, 15, "Stopped (halt); aborted: halt."],
    ]);
    expect(await listDir(dir)).toEqual(["bad.err", "batch.json", "h1.err", "h2.err", "joblog", "logs", "runs.jsonl"]);
    const calls: string[] = [];
    const keys = ["h1", "h2", "bad", "h3"];
    const done = await runBatch({
      jobs: keys.map((key) => ({ key, run: async () => void calls.push(key) })),
      dir,
      mode: "resume",
      effects: quiet(),
    });
    expect(calls).toEqual(["h1", "h2", "h3"]);
    expect(done.exitCode).toBe(0);
    expect(await access(join(dir, "h1", "manifest.json"))).toBeUndefined();
  });

  it("now,success=1 cancels the rest once one run succeeds", async () => {
    const dir = await tempCampaign();
    const jobs = [
      {
        key: "slow",
        run: ({ signal }: { signal: AbortSignal }) =>
          new Promise<void>((_, no) => signal.addEventListener("abort", () => no(new Error("stopped")))),
      },
      { key: "fast", run: async () => {} },
    ];
    const summary = await runBatch({ jobs, dir, concurrency: 2, halt: "now,success=1", effects: quiet() });
    expect(summary).toMatchObject({ succeeded: 1, cancelled: 1, failed: 0, exitCode: 0 });
  });
});
