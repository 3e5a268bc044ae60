import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { rows, withConnection } from "../connection.ts";
import { createViews } from "../views.ts";
import { parseArchiveName } from "./archive-name.ts";
import { importGiraffArchive } from "./import-archive.ts";

const NAME =
  "metrics_valuation_rates.env_1_1760461099-fog_node-auction-quadratic_rates-no_complication-market-default_strategy-.env.1-.env.live.1_2025-10-14-18-30.tar.xz";
const HEAD = ["", "result", "table", "_start", "_stop", "_time", "_value", "_field", "_measurement"];
const F = "fa20240101000000-i0-c100-m64-l20-a0-r1000-d60000";

/** A Flux long-format TSV: one row per (point, field). */
function tsv(measurement: string, tags: string[], points: [string, string, string, ...string[]][]): string {
  const lines = [[...HEAD, ...tags].join("\t")];
  for (const [time, field, value, ...tagValues] of points) {
    lines.push(["", "_result", "0", "x", "y", time, value, field, measurement, ...tagValues].join("\t"));
  }
  return `${lines.join("\n")}\n`;
}

const dir = mkdtempSync(join(tmpdir(), "analysis-giraff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buildArchive(): string {
  const d = join(dir, "content");
  mkdirSync(d);
  const t = (ms: number) => new Date(Date.UTC(2025, 9, 14, 18, 0, 0, ms)).toISOString();
  const files: Record<string, string> = {
    "proxy.csv": tsv(
      "proxy",
      ["instance", "req_id", "sla_id", "tags", "first_req_id", "service_status", "status"],
      [
        [t(100), "value", t(0), "iot", "r1", "s1", "x", "true", "200", "200"],
        [t(30), "value", t(15), "n1", "r1", "s1", "x", "false", "200", "200"],
      ],
    ),
    "bid_gauge.csv": tsv(
      "bid_gauge",
      ["instance", "function_name", "sla_id", "bid_id"],
      [
        [t(5), "bid", "3", "n1", F, "s1", "b1"],
        [t(5), "price", "3.5", "n1", F, "s1", "b1"],
      ],
    ),
    "function_deployment_duration.csv": tsv(
      "function_deployment_duration",
      ["function_name", "bid_id", "sla_id"],
      [[t(10), "value", "40", F, "b1", "s1"]],
    ),
    "provisioned_function_gauge.csv": tsv(
      "provisioned_function_gauge",
      ["function_name", "sla_id"],
      [[t(10), "value", "1", F, "s1"]],
    ),
    "refused_function_gauge.csv": tsv(
      "refused_function_gauge",
      ["function_name", "sla_id"],
      [[t(12), "value", "1", "fz20240101000000-i0-c1-m1-l200-a0-r1-d1", "s2"]],
    ),
    "neighbor_latency.csv": tsv(
      "neighbor_latency",
      ["instance", "instance_to"],
      [
        [t(1), "raw", "4", "n1", "n0"],
        [t(1), "average", "5", "n1", "n0"],
      ],
    ),
    "node_levels.csv": "source\tlevel\nn0\t0\nn1\t1\n",
    "network_shape.csv": "source\tdestination\tlatency\trate\tloss\nn0\tn1\t5\t1000\t0\n",
    "spans.csv": tsv("spans", ["trace_id"], [[t(1), "duration_nano", "5", "t"]]),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  const archive = join(dir, NAME);
  execaSync("tar", ["-cJf", archive, "-C", d, ...Object.keys(files).map((f) => `./${f}`)]);
  return archive;
}

describe("GIRAFF archives", () => {
  it("parses the archive name as the R code does", () => {
    expect(parseArchiveName(`/x/${NAME}`)).toMatchObject({
      campaign: "valuation_rates",
      metricGroup: "auction-quadratic_rates-no_complication",
      metricGroupGroup: "env_1_1760461099",
      run: "1_1760461099",
      env: "1",
      envLive: "1",
      collectedAt: "2025-10-14-18-30",
    });
  });

  it("imports a synthetic archive into the same tables and views, twice without duplicates", async () => {
    const archive = buildArchive();
    await withConnection(":memory:", async (con) => {
      await importGiraffArchive(archive, con);
      const report = await importGiraffArchive(archive, con);
      expect(report.unmapped).toEqual(["spans"]);
      expect(report.measurements.bid_gauge).toBe(2);
      await createViews(con);
      const q = (sql: string) => rows(con, sql);
      expect(await q("SELECT source_format, bid, price, node_id FROM bid")).toEqual([
        { source_format: "giraff", bid: 3, price: 3.5, node_id: "n1" },
      ]);
      expect(await q("SELECT position, in_flight_ms, latency_max_ms, acceptable FROM hop_in_flight")).toEqual([
        { position: 1, in_flight_ms: 15, latency_max_ms: 20, acceptable: true },
      ]);
      expect(await q("SELECT chain_id, spending_giraff, spending_charged FROM chain_spending")).toEqual([
        { chain_id: "s1", spending_giraff: 3.5, spending_charged: null },
      ]);
      expect(await q("SELECT latency_class, requested, unplaced FROM unplaced_functions ORDER BY 1")).toEqual([
        { latency_class: "15–150 ms", requested: 1, unplaced: 0 },
        { latency_class: "> 150 ms", requested: 1, unplaced: 1 },
      ]);
      expect(await q("SELECT strategy, nodes, env, env_live, giraff_run FROM runs")).toEqual([
        {
          strategy: "auction-quadratic_rates-no_complication",
          nodes: 2,
          env: "1",
          env_live: "1",
          giraff_run: "1_1760461099",
        },
      ]);
      expect(await q("SELECT node_id, parent, latency_ms FROM topologies ORDER BY 1")).toEqual([
        { node_id: "n0", parent: null, latency_ms: null },
        { node_id: "n1", parent: "n0", latency_ms: 5 },
      ]);
      expect(await q("SELECT winner, deployment_ms FROM function_deployment WHERE outcome = 'awarded'")).toEqual([
        { winner: "n1", deployment_ms: 40 },
      ]);
      expect(await q("SELECT average_ms, raw_ms FROM neighbor_latency")).toEqual([{ average_ms: 5, raw_ms: 4 }]);
    });
  });
});
