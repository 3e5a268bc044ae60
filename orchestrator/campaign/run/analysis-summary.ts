/**
 * The end of a campaign: ingest every finished run into `<out>/campaign.duckdb` and print the headline metrics per
 * strategy and network size (means, with the 95 % interval when there are several runs), from the analysis views,
 * a legend (one sentence per column), the auction's spending against each other strategy, chain by chain, and how
 * much the machine distorted the emulated network (emulation-summary.ts).
 */
import { join } from "node:path";
import { ingestCampaign } from "../../analysis/ingest.ts";
import { rows, withConnection } from "../../analysis/connection.ts";
import { createViews } from "../../analysis/views.ts";
import { EMULATION_SUMMARY_SQL, emulationLines } from "./emulation-summary.ts";

type Row = Record<string, unknown>;

/** A column of the table: its `strategy_summary` metric, its header (group over title) and its legend sentence. */
interface Column {
  metric: string;
  group: string;
  title: string;
  legend: string;
}

// prettier-ignore
const COLUMNS: Column[] = [
  { metric: "sla_violation_pct", group: "SLA violations %", title: "final", legend: "GIRAFF's final definition, the default: % of request paths with ≥ 1 non-acceptable request." },
  { metric: "sla_violation_respected_pct", group: "SLA violations %", title: "resp.", legend: "% of chains with ≥ 1 request not acceptable on every hop (the Euro-Par-era rule)." },
  { metric: "sla_violation_v3_pct", group: "SLA violations %", title: "v3", legend: "GIRAFF v3.0.0: mean over chains of the % of their requests' hops not acceptable." },
  { metric: "unplaced_pct", group: "unplaced", title: "%", legend: "requested functions that no node won." },
  { metric: "mean_deployment_ms", group: "deploy", title: "ms", legend: "deployment time of a chain, summed over its functions." },
  { metric: "mean_spending_giraff", group: "spending/chain", title: "GIRAFF", legend: "the winners' own bids summed per chain: GIRAFF's spending, for every strategy." },
  { metric: "mean_spending_charged", group: "spending/chain", title: "paid", legend: "the prices the market charged (second price) summed per chain." },
  { metric: "mean_latency_ms", group: "latency", title: "ms", legend: "mean in-flight time between functions." },
  { metric: "jain_charged", group: "Jain", title: "paid", legend: "Jain's index of node earnings at the charged prices (1 = every node earned the same)." },
];

const LEGEND_INTRO =
  "Cells: mean over runs ± half-width of its 95 % t interval. Acceptable hop: status 200, in-flight ≤ bound + 1 ms.";

export async function analyseCampaign(out: string, print: (line: string) => void): Promise<void> {
  const report = await ingestCampaign(out);
  print(
    `Ingested ${report.events} events of ${report.added.length + report.replaced.length} runs into ${report.dbPath} ` +
      `(${report.invalidLines} invalid lines) in ${Math.round(report.ms)} ms.`,
  );
  const { summary, paired, emulation, claims } = await withConnection(join(out, "campaign.duckdb"), async (con) => {
    await createViews(con);
    return {
      summary: await rows(con, "SELECT metric, strategy, nodes, runs, mean, ci_low, ci_high FROM strategy_summary"),
      paired: await rows(con, "SELECT * FROM paired_spending ORDER BY baseline"),
      emulation: await rows(con, EMULATION_SUMMARY_SQL),
      claims: await rows(con, "SELECT paper, quote, verdict, reason FROM paper_claim_verdicts ORDER BY claim"),
    };
  });
  const sections = [
    ...summaryTable(summary),
    ...legend(),
    ...pairedSpendingLines(paired),
    ...emulationLines(emulation),
    ...claimLines(claims),
  ];
  for (const line of sections) print(line);
}

/** The table of `strategy_summary` rows: a row per strategy × size, a column per metric of {@link COLUMNS}. */
export function summaryTable(summary: readonly Row[]): string[] {
  const groups = new Map<string, Map<string, string>>();
  for (const r of summary) {
    const key = `${String(r.strategy)}\u0000${String(r.nodes)}`;
    const cells = groups.get(key) ?? new Map<string, string>();
    const mean = Number(r.mean);
    const half = r.ci_high === null || r.ci_high === undefined ? undefined : Number(r.ci_high) - mean;
    cells.set(String(r.metric), half === undefined ? fmt(mean) : `${fmt(mean)}±${fmt(half, 2)}`);
    cells.set("runs", String(Math.max(Number(r.runs), Number(cells.get("runs") ?? 0))));
    groups.set(key, cells);
  }
  const titles = ["strategy", "nodes", "runs", ...COLUMNS.map((c) => c.title)];
  const spans = ["", "", "", ...COLUMNS.map((c) => c.group)];
  const table = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, cells]) => {
      const [strategy, nodes] = key.split("\u0000");
      return [strategy!, nodes!, cells.get("runs") ?? "", ...COLUMNS.map((c) => cells.get(c.metric) ?? "–")];
    });
  const widths = titles.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  // a group label spans its columns; widen the group's last column when the label is longer
  for (const [start, end] of runsOf(spans)) {
    const span = widths.slice(start, end + 1).reduce((s, w) => s + w, 0) + 2 * (end - start);
    widths[end]! += Math.max(0, spans[start]!.length - span);
  }
  const row = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const groupRow = runsOf(spans)
    .map(([start, end]) => spans[start]!.padEnd(widths.slice(start, end + 1).reduce((s, w) => s + w + 2, 0)))
    .join("")
    .trimEnd();
  return [groupRow, row(titles), row(widths.map((w) => "-".repeat(w))), ...table.map(row)];
}

/** One sentence per column, under the table. */
export function legend(): string[] {
  const label = (c: Column) => (c.group.startsWith("SLA") ? `SLA violations % ${c.title}` : `${c.group} ${c.title}`);
  const width = Math.max(...COLUMNS.map((c) => label(c).length));
  return [LEGEND_INTRO, ...COLUMNS.map((c) => `  ${label(c).padEnd(width)}  ${c.legend}`)];
}

/**
 * A line per baseline strategy of `paired_spending`: auction / baseline spending over the paired chains, both ways:
 * the geometric mean of the per-chain ratios with its 95 % interval, then the ratio of the totals.
 */
export function pairedSpendingLines(paired: readonly Row[]): string[] {
  const ratio = (r: Row, kind: "giraff" | "charged") => {
    const chains = Number(r[`ratio_${kind}_chains`]);
    if (chains === 0) return "no ratio";
    const low = r[`ratio_${kind}_ci_low`];
    const high = r[`ratio_${kind}_ci_high`];
    const interval = low === null || high === null ? "[–]" : `[${fmt(Number(low))}, ${fmt(Number(high))}]`;
    const totals = r[`ratio_${kind}_of_totals`];
    const ofTotals = totals === null || totals === undefined ? "" : `, totals ${fmt(Number(totals))}`;
    return `${fmt(Number(r[`ratio_${kind}_geomean`]))} ${interval}${ofTotals} over ${chains} chain${chains === 1 ? "" : "s"}`;
  };
  return paired.map((r) => {
    const excluded = Number(r.chains_excluded);
    return (
      `auction / ${String(r.baseline)} spending per chain, geometric mean (GIRAFF's metric): ${ratio(r, "giraff")}; ` +
      `paid: ${ratio(r, "charged")}; ${excluded} chain${excluded === 1 ? "" : "s"} excluded (not fully placed in both)`
    );
  });
}

/** A line per headline claim of GIRAFF's papers with its verdict on this campaign (views/20-paper_claims.sql). */
export function claimLines(verdicts: readonly Row[]): string[] {
  if (verdicts.length === 0) return [];
  return [
    "GIRAFF's claims on this campaign (against the papers' baselines; the report's fidelity page has the figures):",
    ...verdicts.map((v) =>
      `  ${String(v.paper)}, "${String(v.quote)}": ${String(v.verdict)}. ${String(v.reason ?? "")}`.trimEnd(),
    ),
  ];
}

/** [first, last] index of each run of equal consecutive values. */
function runsOf(values: readonly string[]): [number, number][] {
  const runs: [number, number][] = [];
  values.forEach((v, i) => {
    const last = runs.at(-1);
    if (last !== undefined && values[last[0]] === v && v !== "") last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : "–";
}
