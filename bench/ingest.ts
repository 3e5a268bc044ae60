/**
 * Ingestion benchmark: N metric events (10 M, or 1 M with --quick) in a realistic mix of kinds, spread over run
 * directories of a temporary campaign, are ingested into a file DuckDB and every view is computed. Reports:
 * - events stored per second: from the call until every event is stored and queryable (the campaign scanned, every
 *   run's events read by DuckDB's read_json and written as Parquet, its rows committed);
 * - the total time with the derived tables (rebuilt by ingestCampaign after the events: function_slas,
 *   hop_in_flight, request_sla, chain_sla, the per-chain metrics…) and the views (each counted once afterwards);
 * - the peak RSS (VmHWM, read before the baseline runs);
 * - the ratio against the plain in-memory approach (JSON.parse of every line into per-kind arrays) on the same files.
 * The process CPU time (DuckDB's threads included) and the load average are reported too: on a shared 2-core
 * machine wall time depends on what else runs, CPU time much less. So are DuckDB passes that do less than ingestion
 * and DuckDB's EXPLAIN ANALYZE of one run's statement (ingest-ceilings.ts).
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { rows, withConnection } from "../orchestrator/analysis/connection.ts";
import { noopAnalysisEffects, type IngestProgress } from "../orchestrator/analysis/effects.ts";
import { ingestCampaign } from "../orchestrator/analysis/ingest.ts";
import { LineWriter } from "../orchestrator/analysis/synthetic/line-writer.ts";
import { explainRunStatement, measureCeilings } from "./ingest-ceilings.ts";
import { VIEW_NAMES } from "../orchestrator/analysis/views.ts";
import { round, target, type BenchContext, type Benchmark } from "./common.ts";

const RUNS = 20;
const hwmMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;

/**
 * One event of a run: proxy hops dominate, as in GIRAFF's archives. Times are epoch milliseconds with a fraction, as
 * the runtime writes them (`performance.timeOrigin + performance.now()`): 17 significant digits, the costly kind of
 * number to read exactly.
 */
function event(run: string, i: number): Record<string, unknown> {
  const t = 1_795_970_578_657 + i * 0.7361;
  const sla = `sla-${i % 5000}`;
  const node = `n${i % 50}`;
  const r = i % 20;
  if (r < 10) {
    const first = i % 3 === 0;
    return {
      t,
      run,
      source: node,
      kind: "proxy_hop",
      reqId: `req-${Math.floor(i / 3)}`,
      slaId: sla,
      tags: "<no-tags>",
      firstHop: first,
      receivedAt: t,
      respondedAt: t + 3.1416,
      serviceStatus: 200,
      status: 200,
    };
  }
  if (r < 13)
    return {
      t,
      run,
      source: node,
      kind: "bid",
      slaId: sla,
      functionName: `f-i0-c1-m1-l${i % 300}-a0-r1-d1`,
      nodeId: node,
      bidId: `b${i}`,
      bid: i % 97,
      price: i % 89,
      strategy: "auction",
      valuation: "quadratic",
    };
  if (r < 15)
    return {
      t,
      run,
      source: node,
      kind: "bid_request_seen",
      slaId: sla,
      nodeId: node,
      from: "n0",
      accumulatedMedianMs: 3,
      accumulatedUncertaintyMs: 1,
    };
  if (r < 17)
    return {
      t,
      run,
      source: node,
      kind: "neighbor_latency",
      nodeId: node,
      neighborId: "n0",
      rawMs: 5,
      averageMs: 5,
      medianMs: 5,
      iqrMs: 1,
      rawPacketLoss: 0,
      packetLoss: 0,
    };
  if (r < 18)
    return {
      t,
      run,
      source: node,
      kind: "resource_usage",
      nodeId: node,
      cpuUsedMilli: i % 1000,
      cpuAvailableMilli: 1000,
      memoryUsedBytes: 1e8,
      memoryAvailableBytes: 1e9,
    };
  if (r < 19)
    return {
      t,
      run,
      source: node,
      kind: "sla_submitted",
      slaId: `s${i}`,
      functionName: `f-i0-c1-m1-l${i % 300}-a0-r1-d1`,
      targetNode: node,
      memoryBytes: 1e7,
      cpuMilli: 10,
      latencyMaxMs: i % 300,
      durationMs: 6e4,
      inputMaxSizeBytes: 1500,
      replicas: 1,
    };
  return {
    t,
    run,
    source: node,
    kind: "auction_result",
    slaId: `s${i - 1}`,
    functionName: "f",
    targetNode: node,
    rule: "second-price",
    startedAt: t - 40.25,
    durationMs: 40.25,
    outcome: "awarded",
    winner: node,
    winningBidId: `b${i}`,
    winningBid: 3,
    price: 4,
    bids: [{ nodeId: node, bidId: `b${i}`, bid: 3, verdict: "valid" }],
    refusals: [],
    paymentAttempts: [{ nodeId: node, ok: true }],
  };
}

export async function writeCampaign(dir: string, total: number): Promise<void> {
  const perRun = Math.ceil(total / RUNS);
  for (let k = 0; k < RUNS; k++) {
    const key = `run${String(k).padStart(3, "0")}`;
    await mkdir(join(dir, key, "events"), { recursive: true });
    const files = ["market", "nodes-0", "nodes-1", "iot"].map(
      (f) => new LineWriter(join(dir, key, "events", `${f}.jsonl`)),
    );
    for (let i = 0; i < perRun && k * perRun + i < total; i++) await files[i % files.length]!.write(event(key, i));
    await Promise.all(files.map((f) => f.close()));
    const params = { strategy: k % 2 === 0 ? "auction" : "random", size: 1 + (k % 2), repetition: k };
    await writeFile(join(dir, key, "manifest.json"), JSON.stringify({ version: 1, record: { runKey: key, params } }));
  }
}

/** fsync of every file of the campaign. */
function syncFiles(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const fd = openSync(join(entry.parentPath, entry.name), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Every events file of the generated campaign. */
function eventFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((d) => d.startsWith("run"))
    .flatMap((run) => readdirSync(join(dir, run, "events")).map((f) => join(dir, run, "events", f)));
}

/** The baseline: every line JSON.parse'd into per-kind arrays in memory. */
function parseAll(dir: string): number {
  const byKind = new Map<string, unknown[]>();
  let n = 0;
  for (const run of readdirSync(dir).filter((d) => d.startsWith("run"))) {
    for (const file of readdirSync(join(dir, run, "events"))) {
      for (const line of readFileSync(join(dir, run, "events", file), "utf8").split("\n")) {
        if (line === "") continue;
        const e = JSON.parse(line) as { kind: string };
        let list = byKind.get(e.kind);
        if (list === undefined) byKind.set(e.kind, (list = []));
        list.push(e);
        n++;
      }
    }
  }
  return n;
}

/** One ingestion of the campaign, then every view counted, timed. */
async function measure(dir: string, ctx: BenchContext) {
  const loadBefore = round(loadavg()[0]!, 2);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const phases: Record<string, number> = {};
  let last = t0;
  const onProgress = (p: IngestProgress) => {
    const now = performance.now();
    const phase = { scan: "scanMs", run: "loadMs", views: "loadMs", done: "derivedTablesMs" }[p.type];
    phases[phase] = round((phases[phase] ?? 0) + now - last, 0)!;
    last = now;
  };
  const report = await ingestCampaign(dir, { effects: { ...noopAnalysisEffects, onProgress } });
  const ingestMs = performance.now() - t0;
  phases.closeMs = round(ingestMs - (last - t0), 0)!;
  const ingestCpu = process.cpuUsage(cpu0);
  ctx.progress(`ingested ${report.events} events in ${Math.round(ingestMs)} ms; computing views`);
  const viewMs: Record<string, number> = {};
  await withConnection(report.dbPath, async (con) => {
    for (const view of VIEW_NAMES.filter((v) => v !== "t975")) {
      const v0 = performance.now();
      await rows(con, `SELECT count(*) AS n FROM ${view}`);
      viewMs[view] = Math.round(performance.now() - v0);
    }
  });
  const totalMs = performance.now() - t0;
  const totalCpu = process.cpuUsage(cpu0);
  // ingestion proper: from the call until every event is stored and queryable (the scan, then the runs loaded);
  // the derived tables ingestCampaign builds next are views computed ahead, counted in the total with the views
  const storedMs = (phases.scanMs ?? 0) + (phases.loadMs ?? ingestMs);
  const ingestCpuMs = (ingestCpu.user + ingestCpu.system) / 1000;
  return {
    report,
    ingestMs,
    totalMs,
    peakMiB: hwmMiB(),
    figures: {
      eventsPerS: round(report.events / (storedMs / 1000), 0),
      storedMs: round(storedMs, 0),
      // ingestCampaign as a whole: the events stored, then the derived tables
      ingestEventsPerS: round(report.events / (ingestMs / 1000), 0),
      ingestMs: round(ingestMs, 0),
      totalWithViewsMs: round(totalMs, 0),
      peakRssMiB: round(hwmMiB(), 0),
      invalidLines: report.invalidLines,
      eventsPerCpuS: round(report.events / (ingestCpuMs / 1000), 0),
      dbMiB: round(statSync(report.dbPath).size / 2 ** 20, 0),
    },
    details: {
      phasesMs: phases,
      viewMs,
      ingestCpuMs: round(ingestCpuMs, 0),
      totalCpuMs: round((totalCpu.user + totalCpu.system) / 1000, 0),
      loadAverage1m: { before: loadBefore, after: round(loadavg()[0]!, 2) },
    },
  };
}

export const ingestBench: Benchmark = {
  name: "ingest",
  subnet: "127.207",
  async run(ctx) {
    const total = ctx.quick ? 1_000_000 : 10_000_000;
    const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
    try {
      ctx.progress(`generating ${total} events in ${RUNS} runs`);
      await writeCampaign(dir, total);
      // on disk before the clock starts, as a finished campaign's files are: otherwise ingestion's first fsync (DuckDB
      // creating its database) waits for gigabytes of freshly written events to be flushed
      syncFiles(dir);
      ctx.progress("ingesting");
      const now = await measure(dir, ctx);
      ctx.progress("baseline: JSON.parse of every line");
      const b0 = performance.now();
      const parsed = parseAll(dir);
      const baselineMs = performance.now() - b0;
      ctx.progress("ceilings: DuckDB passes that do less than ingestion, over the same files");
      const ceilings = await measureCeilings(eventFiles(dir));
      ctx.progress("EXPLAIN ANALYZE of one run's ingestion statement");
      const run0 = eventFiles(dir).filter((f) => f.includes("/run000/"));
      const explainOneRun = await explainRunStatement(
        run0.map((path) => ({ path, rel: path.slice(dir.length + 1) })),
        join(dir, "explained"),
      );
      return {
        params: { events: total, runs: RUNS, quick: ctx.quick },
        figures: now.figures,
        details: {
          ...now.details,
          ceilings,
          explainOneRun,
        },
        targets: [
          target("totalWithViewsMs", "<=", 25_000, "ms", now.totalMs),
          target("peakRssMiB", "<=", 2048, "MiB", now.peakMiB),
        ],
        baseline: {
          what: "JSON.parse of every line into per-kind arrays (no database, no views)",
          figures: {
            parseMs: round(baselineMs, 0),
            events: parsed,
            eventsPerS: round(parsed / (baselineMs / 1000), 0),
          },
          ratio: { what: "ingestion time / baseline time", value: round(now.ingestMs / baselineMs, 2) },
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
