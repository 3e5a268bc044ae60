/**
 * The end of a campaign: ingest every finished run into `<out>/campaign.duckdb` and print the headline metrics per
 * strategy and network size (means, with the 95 % interval when there are several runs), from the analysis views.
 */
import { join } from "node:path";
import { ingestCampaign } from "../../analysis/ingest.ts";
import { rows, withConnection } from "../../analysis/connection.ts";
import { createViews } from "../../analysis/views.ts";

/** Metrics shown, in order, with their column titles. */
const COLUMNS: [metric: string, title: string][] = [
  ["sla_violation_pct", "SLA violations %"],
  ["unplaced_pct", "unplaced %"],
  ["mean_deployment_ms", "deploy ms"],
  ["mean_spending_charged", "spend/chain"],
  ["mean_latency_ms", "latency ms"],
  ["jain_charged", "Jain"],
];

export async function analyseCampaign(out: string, print: (line: string) => void): Promise<void> {
  const report = await ingestCampaign(out);
  print(
    `Ingested ${report.events} events of ${report.added.length + report.replaced.length} runs into ${report.dbPath} ` +
      `(${report.invalidLines} invalid lines) in ${Math.round(report.ms)} ms.`,
  );
  const summary = await withConnection(join(out, "campaign.duckdb"), async (con) => {
    await createViews(con);
    return rows(con, "SELECT metric, strategy, nodes, runs, mean, ci_low, ci_high FROM strategy_summary");
  });
  const groups = new Map<string, Map<string, string>>();
  for (const r of summary) {
    const key = `${String(r.strategy)}\u0000${String(r.nodes)}`;
    const cells = groups.get(key) ?? new Map<string, string>();
    const mean = Number(r.mean);
    const half = r.ci_high === null || r.ci_high === undefined ? undefined : Number(r.ci_high) - mean;
    cells.set(String(r.metric), half === undefined ? fmt(mean) : `${fmt(mean)} ± ${fmt(half)}`);
    cells.set("runs", String(r.runs));
    groups.set(key, cells);
  }
  const header = ["strategy", "nodes", "runs", ...COLUMNS.map(([, t]) => t)];
  const table = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, cells]) => {
      const [strategy, nodes] = key.split("\u0000");
      return [strategy!, nodes!, cells.get("runs") ?? "", ...COLUMNS.map(([m]) => cells.get(m) ?? "–")];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const row = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  for (const line of [row(header), row(widths.map((w) => "-".repeat(w))), ...table.map(row)]) print(line);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : "–";
}
