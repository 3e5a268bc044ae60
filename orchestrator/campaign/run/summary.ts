/**
 * The campaign's summary table: one line per strategy, aggregated over its finished runs' `scenario.json`. The
 * figures are the replay's and the IoT emulator's own counts; the full metrics (SLA respect, spending, fairness)
 * come from the DuckDB analysis of the runs' events.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_ENDS_TOO_LATE } from "../../providers/grid5000/plan/guard.ts";
import type { CampaignBatch } from "./run-all.ts";
import type { ScenarioResult } from "./run-one.ts";

export interface StrategyLine {
  strategy: string;
  runs: number;
  functions: number;
  placed: number;
  chains: number;
  chainsOk: number;
  requests: number;
  requestsOk: number;
}

export function readScenarios(campaignDir: string): ScenarioResult[] {
  if (!existsSync(campaignDir)) return [];
  const out: ScenarioResult[] = [];
  for (const entry of readdirSync(campaignDir, { withFileTypes: true })) {
    const file = join(campaignDir, entry.name, "scenario.json");
    if (entry.isDirectory() && /^[\w-]+$/.test(entry.name) && existsSync(file)) {
      out.push(JSON.parse(readFileSync(file, "utf8")) as ScenarioResult);
    }
  }
  return out;
}

export function summarise(results: readonly ScenarioResult[]): StrategyLine[] {
  const lines = new Map<string, StrategyLine>();
  for (const r of results) {
    const l = lines.get(r.strategy) ?? {
      strategy: r.strategy,
      runs: 0,
      functions: 0,
      placed: 0,
      chains: 0,
      chainsOk: 0,
      requests: 0,
      requestsOk: 0,
    };
    l.runs++;
    l.functions += r.functions.submitted;
    l.placed += r.functions.placed;
    l.chains += r.replay.chains;
    l.chainsOk += r.replay.ok;
    l.requests += r.iot.sent;
    l.requestsOk += r.iot.ok;
    lines.set(r.strategy, l);
  }
  return [...lines.values()];
}

export function formatSummary(lines: readonly StrategyLine[]): string {
  const pct = (a: number, b: number) => (b === 0 ? "–" : `${((100 * a) / b).toFixed(1)} %`);
  const header = ["strategy", "runs", "functions placed", "chains running", "requests answered"];
  const rows = lines.map((l) => [
    l.strategy,
    String(l.runs),
    `${l.placed}/${l.functions} (${pct(l.placed, l.functions)})`,
    `${l.chainsOk}/${l.chains} (${pct(l.chainsOk, l.chains)})`,
    `${l.requestsOk}/${l.requests} (${pct(l.requestsOk, l.requests)})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [row(header), row(widths.map((w) => "-".repeat(w))), ...rows.map(row)].join("\n");
}

/** The per-strategy table of the runs finished in `out` (this invocation's and earlier ones'). */
export function printRunSummary(out: string, print: (line: string) => void): void {
  print("");
  print(formatSummary(summarise(readScenarios(out))));
  print("");
}

/**
 * The campaign's last lines and its exit status: the failed runs (GNU parallel's rule, at most 101), 130 when
 * interrupted, 127 when runs were refused because their reservation would end too late.
 */
export function finish(batch: CampaignBatch, out: string, print: (line: string) => void): number {
  const { summary } = batch;
  if (summary === undefined) {
    print(`Stopped before the runs ended; machines released. --resume reruns the unfinished runs; results in ${out}/`);
    return 130;
  }
  if (!summary.interrupted) print("");
  print(
    `${summary.succeeded} runs succeeded, ${summary.failed} failed, ${summary.skipped} skipped; results in ${out}/`,
  );
  if (batch.tooLate.length > 0 && !summary.interrupted) {
    print(
      `${batch.tooLate.length} runs were not started: ${batch.tooLate[0]} Rerun with --resume-failed when a ` +
        "reservation can end in time.",
    );
    return EXIT_ENDS_TOO_LATE;
  }
  return summary.interrupted ? 130 : summary.exitCode;
}
