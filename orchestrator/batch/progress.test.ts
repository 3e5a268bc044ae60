import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchProgress, readBatchProgress, recordState } from "./progress.ts";
import { runBatch } from "./run-batch.ts";
import { readCampaign, recordingEffects, tempCampaign } from "./testing/helpers.ts";
import type { RunRecord } from "./types.ts";

const record = (runKey: string, over: Partial<RunRecord> = {}): RunRecord => ({
  runKey,
  seq: 1,
  params: { label: `label-${runKey}` },
  attempt: 1,
  final: true,
  startedAt: 1_000,
  endedAt: 11_000,
  exit: 0,
  signal: 0,
  timedOut: false,
  cancelled: false,
  command: `giraff-run ${runKey}`,
  receive: 0,
  ...over,
});

const batch = (...keys: string[]) => ({
  version: 1 as const,
  seed: null,
  order: keys,
  jobs: keys.map((key, i) => ({ seq: i + 1, key })),
  updatedAt: "2026-12-07T00:00:00Z",
});

describe("batchProgress", () => {
  it("reads GNU's rule: exit 0 and signal 0 succeeded, anything else failed; time-outs and cancellations apart", () => {
    expect(recordState({ exit: 0, signal: 0, timedOut: false, cancelled: false })).toBe("succeeded");
    expect(recordState({ exit: 3, signal: 0, timedOut: false, cancelled: false })).toBe("failed");
    expect(recordState({ exit: 0, signal: 9, timedOut: false, cancelled: false })).toBe("failed");
    expect(recordState({ exit: -1, signal: 15, timedOut: true, cancelled: false })).toBe("timed-out");
    expect(recordState({ exit: -1, signal: 0, timedOut: false, cancelled: true })).toBe("cancelled");
  });

  it("tells every state apart, in batch order, and a live retry of a failed run is running", () => {
    const p = batchProgress({
      batch: batch("a", "b", "c", "d", "e", "f"),
      records: [
        record("a"),
        record("b", { exit: 1, error: "boom" }),
        record("c", { exit: 1, final: false }),
        record("d", { exit: -1, signal: 15, timedOut: true }),
      ],
      entries: ["a", "b.err", "c.tmp-100", "e.tmp-200", "logs", "joblog"],
      isAlive: (pid) => pid === 100,
    });
    expect(p.runs.map((r) => [r.key, r.state])).toEqual([
      ["a", "succeeded"],
      ["b", "failed"],
      ["c", "running"],
      ["d", "timed-out"],
      ["e", "half-written"],
      ["f", "left"],
    ]);
    expect(p.counts).toEqual({
      succeeded: 1,
      failed: 1,
      "timed-out": 1,
      cancelled: 0,
      running: 1,
      "half-written": 1,
      left: 1,
    });
    expect(p.runs[1]).toMatchObject({ label: "label-b", exit: 1, error: "boom", attempts: 1 });
    expect(p.runs[2]).toMatchObject({ exit: null, endedAt: null, attempts: 1 });
    // four recorded attempts of 10 s; one running and one left, one at a time
    expect(p.etaMs).toBe(20_000);
    expect(p.finished).toBe(false);
  });

  it("is finished when nothing runs or is left, and lists recorded runs batch.json does not", () => {
    const p = batchProgress({
      batch: batch("a"),
      records: [record("a"), record("z")],
      entries: [],
      isAlive: () => true,
    });
    expect(p.runs.map((r) => r.key)).toEqual(["a", "z"]);
    expect(p).toMatchObject({ total: 2, finished: true, etaMs: null, firstStartedAt: 1_000, lastEndedAt: 11_000 });
  });

  it("answers 0 runs for a campaign the batch has not started", () => {
    const p = batchProgress({ batch: null, records: [], entries: [], isAlive: () => true });
    expect(p).toMatchObject({ total: 0, finished: true, etaMs: null, firstStartedAt: null });
  });
});

describe("readBatchProgress on what the runner wrote", () => {
  it("matches the joblog: one succeeded, one failed, one timed out, one killed mid-run, one left", async () => {
    const dir = await tempCampaign();
    const ok = { key: "ok", params: { label: "ok-run" }, run: async () => {} };
    const bad = {
      key: "bad",
      run: async () => {
        throw Object.assign(new Error("the run broke"), { exitCode: 3 });
      },
    };
    const slow = {
      key: "slow",
      run: (ctx: { signal: AbortSignal }) =>
        new Promise((_, fail) => ctx.signal.addEventListener("abort", () => fail(ctx.signal.reason))),
    };
    const jobs = [ok, bad, slow, { key: "killed", run: async () => {} }, { key: "later", run: async () => {} }];
    await runBatch({ jobs: jobs.slice(0, 2), dir, effects: recordingEffects() });
    await runBatch({ jobs: jobs.slice(0, 3), dir, mode: "resume", timeoutMs: 50, effects: recordingEffects() });
    await runBatch({ jobs, dir, mode: "resume", effects: recordingEffects(), signal: AbortSignal.abort() }).catch(
      () => {},
    );
    // what a kill -9 of the runner mid-run leaves: the run's temporary directory, owned by a dead process
    await mkdir(join(dir, "killed.tmp-2147483646"));

    const p = await readBatchProgress(dir);
    const byKey = Object.fromEntries(p.runs.map((r) => [r.key, r]));
    expect(byKey.ok).toMatchObject({ state: "succeeded", label: "ok-run", exit: 0 });
    expect(byKey.bad).toMatchObject({ state: "failed", exit: 3 });
    expect(byKey.slow).toMatchObject({ state: "timed-out", exit: -1 });
    expect(byKey.killed?.state).toBe("half-written");
    // the aborted invocation recorded nothing it did not start; whatever it cancelled is cancelled, not lost
    expect(["left", "cancelled"]).toContain(byKey.later?.state);
    const joblog = (await readCampaign(dir)).joblog;
    const failedInJoblog = joblog.filter((j) => j.exit !== 0 || j.signal !== 0).map((j) => j.seq);
    expect(p.runs.filter((r) => r.state === "failed" || r.state === "timed-out").map((r) => r.seq)).toEqual(
      failedInJoblog,
    );
  });
});
