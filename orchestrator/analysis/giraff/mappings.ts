/**
 * How GIRAFF's measurements (giraff.md §13.2, Flux long format: one row per point and field) land in our event
 * tables. Each mapping is an INSERT … SELECT over the measurement's TSV loaded as text; points are pivoted by
 * grouping on `_time` and the tags, fields picked with `FILTER (WHERE _field = …)`. Units are converted to ours
 * (s → ms, cores → millicpu, GB → bytes). A tag missing from a file reads as NULL.
 */

/** `c("sla_id")` is the quoted column (qualified by `alias` if given), or NULL when the file lacks it. */
export type Col = (name: string, alias?: string) => string;

export interface Mapping {
  measurement: string;
  /** The INSERT statements; `src` is the loaded TSV table, `o` the three origin values as SQL, `key` the run key. */
  sql: (src: string, c: Col, o: string, key: string) => string[];
}

/** Epoch ms (float) of an RFC 3339 text column. */
const ms = (expr: string) => `epoch_us(CAST(${expr} AS TIMESTAMPTZ)) / 1000.0`;
const num = (field: string) => `max(TRY_CAST(_value AS DOUBLE)) FILTER (WHERE _field = '${field}')`;
const NAME = `'(.+)-i(\\d+)-c(\\d+)-m(\\d+)-l(\\d+)-a(\\d+)-r(\\d+)-d(\\d+)'`;
const fromName = (expr: string, group: number) => `TRY_CAST(regexp_extract(${expr}, ${NAME}, ${group}) AS DOUBLE)`;

// prettier-ignore
export const MAPPINGS: Mapping[] = [
  { measurement: "proxy", sql: (src, c, o) => [
    `INSERT INTO imported_proxy_hop (run_key, source_format, source_file, t, run, source, req_id, sla_id, tags, first_hop,
       received_at, responded_at, service_status, status)
     SELECT ${o}, ${ms("_time")}, NULL, ${c("instance")}, ${c("req_id")}, ${c("sla_id")}, ${c("tags")},
       lower(${c("first_req_id")}) = 'true', ${ms("_value")}, ${ms("_time")},
       TRY_CAST(${c("service_status")} AS DOUBLE), TRY_CAST(${c("status")} AS DOUBLE)
     FROM ${src} WHERE _field = 'value'`] },
  { measurement: "bid_gauge", sql: (src, c, o) => [
    `INSERT INTO imported_bid (run_key, source_format, source_file, t, source, sla_id, function_name, node_id, bid_id, bid, price)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("sla_id")}, ${c("function_name")}, ${c("instance")},
       ${c("bid_id")}, ${num("bid")}, ${num("price")}
     FROM ${src} GROUP BY _time, ${c("instance")}, ${c("sla_id")}, ${c("function_name")}, ${c("bid_id")}`] },
  { measurement: "function_deployment_duration", sql: (src, c, o, key) => [
    `INSERT INTO imported_auction_result (run_key, source_format, source_file, t, source, sla_id, function_name, started_at,
       duration_ms, outcome, winning_bid_id, winner)
     SELECT ${o}, ${ms("d._time")}, 'market', ${c("sla_id", "d")}, ${c("function_name", "d")},
       coalesce(TRY_CAST(${c("timestamp_auction_start", "d")} AS DOUBLE), ${ms("d._time")} - TRY_CAST(d._value AS DOUBLE)),
       TRY_CAST(d._value AS DOUBLE), 'awarded', ${c("bid_id", "d")},
       (SELECT any_value(b.node_id) FROM imported_bid b WHERE b.run_key = ${key} AND b.bid_id = ${c("bid_id", "d")})
     FROM ${src} d WHERE d._field = 'value'`] },
  { measurement: "provisioned_function_gauge", sql: (src, c, o) => [submitted(src, c, o)] },
  { measurement: "refused_function_gauge", sql: (src, c, o) => [
    submitted(src, c, o),
    `INSERT INTO imported_refused (run_key, source_format, source_file, t, source, scope, sla_id, function_name, reason)
     SELECT ${o}, ${ms("_time")}, 'market', 'market', ${c("sla_id")}, ${c("function_name")}, 'refused (GIRAFF gauge)'
     FROM ${src} WHERE _field = 'value'`,
    `INSERT INTO imported_auction_result (run_key, source_format, source_file, t, source, sla_id, function_name, outcome, reason)
     SELECT ${o}, ${ms("_time")}, 'market', ${c("sla_id")}, ${c("function_name")}, 'refused', 'refused (GIRAFF gauge)'
     FROM ${src} WHERE _field = 'value'`] },
  { measurement: "sla_seen", sql: (src, c, o) => [
    `INSERT INTO imported_bid_request_seen (run_key, source_format, source_file, t, source, sla_id, node_id,
       accumulated_median_ms, accumulated_uncertainty_ms)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("sla_id")}, ${c("instance")},
       1000 * ${num("accumulated_latency_median")}, 1000 * ${num("accumulated_latency_median_uncertainty")}
     FROM ${src} GROUP BY _time, ${c("instance")}, ${c("sla_id")}`] },
  { measurement: "paid_functions", sql: (src, c, o) => [
    `INSERT INTO imported_payment (run_key, source_format, source_file, t, source, sla_id, function_name, node_id)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("sla_id")}, ${c("function_name")}, ${c("instance")}
     FROM ${src} WHERE _field = 'n'`] },
  { measurement: "provisioned_functions", sql: (src, c, o) => [
    `INSERT INTO imported_provisioned (run_key, source_format, source_file, t, source, sla_id, function_name, node_id)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("sla_id")}, ${c("function_name")}, ${c("instance")}
     FROM ${src} WHERE _field = 'n' AND TRY_CAST(_value AS DOUBLE) = 1`,
    `INSERT INTO imported_finished (run_key, source_format, source_file, t, source, sla_id, function_name, node_id, reason)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("sla_id")}, ${c("function_name")}, ${c("instance")}, 'expired'
     FROM ${src} WHERE _field = 'n' AND TRY_CAST(_value AS DOUBLE) = 0`] },
  { measurement: "neighbor_latency", sql: (src, c, o) => [
    `INSERT INTO imported_neighbor_latency (run_key, source_format, source_file, t, source, node_id, neighbor_id, raw_ms,
       average_ms, median_ms, iqr_ms, raw_packet_loss, packet_loss)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("instance")}, ${c("instance_to")}, ${num("raw")},
       ${num("average")}, ${num("median")}, ${num("interquartile_range")}, ${num("raw_packet_loss")}, ${num("packet_loss")}
     FROM ${src} GROUP BY _time, ${c("instance")}, ${c("instance_to")}`] },
  { measurement: "cpu_observed_from_fog_node", sql: (src, c, o) => [
    `INSERT INTO imported_resource_usage (run_key, source_format, source_file, t, source, node_id, cpu_used_milli,
       cpu_available_milli)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("instance")}, 1000 * ${num("used")},
       1000 * ${num("initial_allocatable")}
     FROM ${src} GROUP BY _time, ${c("instance")}`] },
  { measurement: "memory_observed_from_fog_node", sql: (src, c, o) => [
    `INSERT INTO imported_resource_usage (run_key, source_format, source_file, t, source, node_id, memory_used_bytes,
       memory_available_bytes)
     SELECT ${o}, ${ms("_time")}, ${c("instance")}, ${c("instance")}, 1e9 * ${num("used")},
       1e9 * ${num("initial_allocatable")}
     FROM ${src} GROUP BY _time, ${c("instance")}`] },
  ...["proxy_send", "send_fails"].map((measurement): Mapping => ({ measurement, sql: (src, c, o) => [
    `INSERT INTO imported_send_failure (run_key, source_format, source_file, t, source, sla_id, reason)
     SELECT ${o}, ${ms("_time")}, 'iot', ${c("sla_id")}, 'send failure (GIRAFF ${measurement})'
     FROM ${src}`] })),
];

/** A requested function (market gauges): sla_submitted with the SLA fields the name encodes (MiB → bytes). */
function submitted(src: string, c: Col, o: string): string {
  const name = c("function_name");
  return `INSERT INTO imported_sla_submitted (run_key, source_format, source_file, t, source, sla_id, function_name,
     memory_bytes, cpu_milli, latency_max_ms, duration_ms)
   SELECT ${o}, ${ms("_time")}, 'market', ${c("sla_id")}, ${name}, 1048576 * ${fromName(name, 4)}, ${fromName(name, 3)},
     ${fromName(name, 5)}, ${fromName(name, 8)}
   FROM ${src} WHERE _field = 'value'`;
}
