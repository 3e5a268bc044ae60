import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rows, withConnection } from "./connection.ts";
import { noopAnalysisEffects, type IngestProgress } from "./effects.ts";
import { ingestCampaign } from "./ingest.ts";
import { addRequestToRunB, writeFixtureCampaign } from "./testing/fixtures.ts";

let dir: string;
let campaign: string;
beforeEach(() => {
  process.env.TZ = "UTC";
  dir = mkdtempSync(join(tmpdir(), "analysis-ingest-"));
  campaign = join(dir, "c");
  writeFixtureCampaign(campaign);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const db = () => join(dir, "campaign.duckdb");
const ingest = (progress: IngestProgress[] = []) =>
  ingestCampaign(campaign, { dbPath: db(), effects: { ...noopAnalysisEffects, onProgress: (p) => progress.push(p) } });
const count = (table: string) =>
  withConnection(
    db(),
    async (con) => await rows(con, `SELECT run_key, count(*) AS n FROM ${table} GROUP BY 1 ORDER BY 1`),
  );

/** sha256 of every file under `root`, by path. */
function checksums(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(root);
  return out;
}

describe("ingestCampaign", () => {
  it("loads every event into its kind's table, plus runs, topologies and file counts", async () => {
    const progress: IngestProgress[] = [];
    const report = await ingest(progress);
    expect(report.added).toEqual(["runA", "runB"]);
    expect(report.events).toBe(24 + 6);
    expect(report.invalidLines).toBe(0);
    expect(await count("proxy_hop")).toEqual([
      { run_key: "runA", n: 9 },
      { run_key: "runB", n: 2 },
    ]);
    expect(await count("topologies")).toEqual([
      { run_key: "runA", n: 3 },
      { run_key: "runB", n: 3 },
    ]);
    const [run] = await withConnection(db(), (con) => rows(con, "SELECT * FROM runs WHERE run_key = 'runA'"));
    expect([
      run!.strategy,
      run!.valuation,
      run!.market_rule,
      run!.size_multiplier,
      run!.repetition,
      run!.nodes,
    ]).toEqual(["auction", "quadratic", "second-price", 1, 1, 3]);
    const [bids] = await withConnection(db(), (con) =>
      rows(con, "SELECT bids[1].nodeId AS node, len(refusals) AS r FROM auction_result WHERE sla_id = 's1'"),
    );
    expect(bids).toEqual({ node: "n1", r: 0 });
    expect(progress.map((p) => p.type)).toEqual(["scan", "run", "run", "views", "done"]);
    expect(progress.filter((p) => p.type === "run").map((p) => [p.done, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it("is incremental: unchanged runs skipped, a changed run replaced, a new run added", async () => {
    await ingest();
    const second = await ingest();
    expect([second.added, second.replaced, second.unchanged, second.events]).toEqual([[], [], ["runA", "runB"], 0]);
    // change runB: one more hop and a rewritten manifest; add runC as a copy of runB's files
    const hop = {
      t: 1,
      run: "runB",
      source: "iot",
      kind: "proxy_hop",
      reqId: "r10",
      slaId: "s9",
      tags: "x",
      firstHop: true,
      receivedAt: 1,
      respondedAt: 2,
      serviceStatus: 200,
      status: 200,
    };
    appendFileSync(join(campaign, "runB/events/iot.jsonl"), `${JSON.stringify(hop)}\n`);
    appendFileSync(join(campaign, "runB/manifest.json"), "\n");
    mkdirSync(join(campaign, "runC/events"), { recursive: true });
    writeFileSync(join(campaign, "runC/events/iot.jsonl"), readFileSync(join(campaign, "runB/events/iot.jsonl")));
    writeFileSync(join(campaign, "runC/manifest.json"), JSON.stringify({ version: 1, record: { runKey: "runC" } }));
    const third = await ingest();
    expect([third.added, third.replaced, third.unchanged]).toEqual([["runC"], ["runB"], ["runA"]]);
    expect(await count("proxy_hop")).toEqual([
      { run_key: "runA", n: 9 },
      { run_key: "runB", n: 3 },
      { run_key: "runC", n: 3 },
    ]);
    expect(await count("runs")).toEqual([
      { run_key: "runA", n: 1 },
      { run_key: "runB", n: 1 },
      { run_key: "runC", n: 1 },
    ]);
  });

  it("counts torn and invalid lines per file and keeps the valid ones", async () => {
    const file = join(campaign, "runA/events/iot.jsonl");
    appendFileSync(
      file,
      'not json\n{"t":1,"run":"runA","source":"x","kind":"nope"}\n{"t":"x","run":"r","source":"s","kind":"live"}\n',
    );
    appendFileSync(file, '{"t":1,"run":"runA","source":"iot","kind":"proxy_hop","reqId":"r');
    const report = await ingest();
    const iot = report.files.find((f) => f.file === "runA/events/iot.jsonl")!;
    expect(iot).toMatchObject({ lines: 13, ingested: 9, invalid: 4, tornLastLine: true });
    expect(report.invalidLines).toBe(4);
    expect(report.files.filter((f) => f.invalid > 0)).toHaveLength(1);
    const stored = await withConnection(db(), (con) =>
      rows(con, "SELECT file, lines, invalid, torn_last_line FROM ingest_files WHERE invalid > 0"),
    );
    expect(stored).toEqual([{ file: "runA/events/iot.jsonl", lines: 13, invalid: 4, torn_last_line: true }]);
  });

  it("counts blank, non-UTF-8, non-object and mistyped lines as invalid without failing", async () => {
    const file = join(campaign, "runB/events/iot.jsonl");
    const valid = readFileSync(file, "utf8").split("\n")[0]!;
    const lines = [
      "",
      "[1, 2]",
      '"text"',
      '{"kind": 5}',
      valid.replace('"tags":"<no-tags>"', '"tags":{"a":1}').replace('"firstHop":true', '"firstHop":"maybe"'),
      valid.replace('"reqId":"r9"', '"reqId":null'),
      "{\u0001}",
    ];
    appendFileSync(file, `${lines.join("\n")}\n`);
    appendFileSync(file, Buffer.from([0xff, 0xfe, 0x0a]));
    const report = await ingest();
    const iot = report.files.find((f) => f.file === "runB/events/iot.jsonl")!;
    expect(iot).toMatchObject({ lines: 2 + 7 + 1, ingested: 2, tornLastLine: false });
    expect(iot.invalid).toBe(8);
    expect(await count("proxy_hop")).toEqual([
      { run_key: "runA", n: 9 },
      { run_key: "runB", n: 2 },
    ]);
  });

  it("reports a run whose events file cannot be read, ingests the others, and keeps no half of it", async () => {
    mkdirSync(join(campaign, "runB/events/broken.jsonl")); // a directory where a file should be: reading it fails
    const report = await ingest();
    expect(report.skipped).toEqual([{ name: "runB", reason: "unreadable", detail: expect.stringMatching(/EISDIR/) }]);
    expect(report.added).toEqual(["runA"]);
    expect(await count("proxy_hop")).toEqual([{ run_key: "runA", n: 9 }]);
    expect(await withConnection(db(), (con) => rows(con, "SELECT run_key FROM ingested_runs"))).toEqual([
      { run_key: "runA" },
    ]);
    expect(existsSync(join(dir, "campaign.parquet", "runB"))).toBe(false);
    expect(existsSync(join(dir, "campaign.parquet", ".staging"))).toBe(false);
    rmSync(join(campaign, "runB/events/broken.jsonl"), { recursive: true });
    const again = await ingest();
    expect([again.added, again.unchanged, again.skipped]).toEqual([["runB"], ["runA"], []]);
    expect(await count("proxy_hop")).toEqual([
      { run_key: "runA", n: 9 },
      { run_key: "runB", n: 2 },
    ]);
  });

  it("reports a run whose events file changes while it is read, and ingests it once it is complete", async () => {
    // the size seen after DuckDB's read differs from the one counted before: a run still writing its events
    const grown = {
      ...noopAnalysisEffects.fs,
      stat: async (path: string) => {
        const s = await stat(path);
        return path.endsWith("runB/events/iot.jsonl") ? { ...s, size: s.size + 10 } : s;
      },
    } as typeof noopAnalysisEffects.fs;
    const report = await ingestCampaign(campaign, { dbPath: db(), effects: { ...noopAnalysisEffects, fs: grown } });
    expect(report.skipped).toEqual([
      {
        name: "runB",
        reason: "unreadable",
        detail: expect.stringMatching(/runB\/events\/iot\.jsonl changed while it was read/),
      },
    ]);
    expect(await count("proxy_hop")).toEqual([{ run_key: "runA", n: 9 }]);
    expect((await ingest()).added).toEqual(["runB"]);
  });

  it("reports half-written, failed, foreign and empty entries run by run and ingests the rest", async () => {
    mkdirSync(join(campaign, "runD.tmp-123/events"), { recursive: true });
    mkdirSync(join(campaign, "runE.err"));
    mkdirSync(join(campaign, "runF"));
    mkdirSync(join(campaign, "runG/events"), { recursive: true });
    writeFileSync(join(campaign, "notes.txt"), "hello");
    writeFileSync(join(campaign, "joblog"), "Seq\n");
    const report = await ingest();
    expect(report.skipped.map((s) => [s.name, s.reason])).toEqual([
      ["notes.txt", "foreign"],
      ["runD.tmp-123", "half-written"],
      ["runE.err", "failed"],
      ["runF", "empty"],
      ["runG", "no-manifest"],
    ]);
    expect(report.added).toEqual(["runA", "runB"]);
  });

  it("never changes a raw file", async () => {
    const before = checksums(campaign);
    await ingest();
    await ingest();
    expect(checksums(campaign)).toEqual(before);
  });

  it("rebuilds the derived tables (hop_in_flight, request_sla, …) when runs change", async () => {
    await ingest();
    const derived = () =>
      withConnection(db(), (con) =>
        rows(
          con,
          "SELECT (SELECT count(*) FROM hop_in_flight WHERE run_key = 'runB') AS hops, " +
            "(SELECT count(*) FROM request_sla WHERE run_key = 'runB') AS requests, " +
            "(SELECT requests FROM chain_sla WHERE run_key = 'runB') AS chain_requests",
        ),
      );
    expect(await derived()).toEqual([{ hops: 1, requests: 1, chain_requests: 1 }]);
    addRequestToRunB(campaign);
    await ingest();
    expect(await derived()).toEqual([{ hops: 2, requests: 2, chain_requests: 2 }]);
  });

  it("drops the derived tables rather than leave them stale when views are not refreshed", async () => {
    await ingest();
    appendFileSync(join(campaign, "runB/manifest.json"), "\n");
    await ingestCampaign(campaign, { dbPath: db(), effects: noopAnalysisEffects, views: false });
    const tables = await withConnection(db(), (con) =>
      rows(con, "SELECT table_name FROM duckdb_tables() WHERE table_name IN ('hop_in_flight', 'request_sla')"),
    );
    expect(tables).toEqual([]);
  });

  it("turns the metric views of a database made before they were tables into tables", async () => {
    await withConnection(db(), async (con) => {
      await con.run("CREATE VIEW hop_in_flight AS SELECT 1 AS x");
      await con.run("CREATE VIEW chain_sla AS SELECT 1 AS x");
    });
    await ingest();
    const chains = await withConnection(db(), (con) => rows(con, "SELECT run_key, requests FROM chain_sla ORDER BY 1"));
    expect(chains).toEqual([
      { run_key: "runA", requests: 3 },
      { run_key: "runB", requests: 1 },
    ]);
  });

  it("answers a sentence for a missing campaign directory", async () => {
    await expect(ingestCampaign(join(dir, "missing"), { dbPath: db() })).rejects.toThrow(
      /Cannot read the campaign directory .*missing/,
    );
  });

  it("refuses a row group size that is not a whole number of rows", async () => {
    await expect(ingestCampaign(campaign, { dbPath: db(), rowGroupRows: 0.5 })).rejects.toThrow(
      /rowGroupRows is 0\.5: it must be a whole number of rows, at least 1/,
    );
  });
});
