/**
 * The campaign summary's emulation lines: per strategy, how far the machine bent the emulated network while the
 * requests flowed (orchestrator/analysis/views/15-hop_emulation.sql, 16-run_emulation.sql), and how many of the
 * SLA violations it alone explains. A violation the machine explains is not evidence about a placement strategy:
 * the lines say how many there are so that a reader can discount them.
 */
type Row = Record<string, unknown>;

/** Per strategy: runs, distorted runs, worst p99s, late hops by cause, failed requests and those failed by stalls. */
export const EMULATION_SUMMARY_SQL = `
WITH requests AS (
  SELECT h.run_key, h.req_id, bool_and(h.acceptable) AS acceptable,
    bool_or(coalesce(e.late_by_machine, false)) AS machine,
    bool_or(NOT h.acceptable AND NOT coalesce(e.late_by_machine, false)) AS other
  FROM hop_in_flight h
  LEFT JOIN hop_emulation e ON e.run_key = h.run_key AND e.req_id = h.req_id AND e.position = h.position
  GROUP BY ALL
), per_run AS (
  SELECT run_key, count(*) FILTER (WHERE NOT acceptable) AS failed_requests,
    count(*) FILTER (WHERE NOT acceptable AND machine AND NOT other) AS failed_by_machine
  FROM requests GROUP BY run_key
)
SELECT r.strategy, count(*) AS runs, count(*) FILTER (WHERE e.distorted) AS distorted_runs,
  any_value(e.distortion_threshold_ms) AS threshold_ms, max(e.timer_slack_p99_ms) AS timer_slack_p99_ms,
  max(e.excess_p99_ms) AS excess_p99_ms, max(e.loop_lag_p99_ms) AS loop_lag_p99_ms,
  coalesce(sum(e.late_hops), 0) AS late_hops, coalesce(sum(e.late_by_machine_hops), 0) AS late_by_machine_hops,
  coalesce(sum(e.late_by_network_hops), 0) AS late_by_network_hops,
  coalesce(sum(p.failed_requests), 0) AS failed_requests, coalesce(sum(p.failed_by_machine), 0) AS failed_by_machine
FROM runs r
JOIN run_emulation e ON e.run_key = r.run_key
LEFT JOIN per_run p ON p.run_key = r.run_key
WHERE r.source_format = 'giraff-ts'
GROUP BY r.strategy ORDER BY r.strategy`;

export function emulationLines(rows: readonly Row[]): string[] {
  if (rows.length === 0) return [];
  const ms = (v: unknown) => (v === null || v === undefined ? "–" : `${Number(Number(v).toPrecision(3))} ms`);
  const threshold = rows.find((r) => r.threshold_ms !== null)?.threshold_ms;
  const lines = [
    `Emulation (a run is distorted when its p99 timer slack or hop excess passes ${ms(threshold)}; worst run shown):`,
  ];
  for (const r of rows) {
    const n = (k: string) => Number(r[k] ?? 0);
    lines.push(
      `  ${String(r.strategy)}: ${n("distorted_runs")} of ${n("runs")} runs distorted; timer slack p99 ` +
        `${ms(r.timer_slack_p99_ms)}, hop excess p99 ${ms(r.excess_p99_ms)}; ${n("late_hops")} late hops ` +
        `(${n("late_by_machine_hops")} by the machine, ${n("late_by_network_hops")} by the network); ` +
        `${n("failed_by_machine")} of ${n("failed_requests")} failed requests failed only by the machine's lateness`,
    );
  }
  return lines;
}
