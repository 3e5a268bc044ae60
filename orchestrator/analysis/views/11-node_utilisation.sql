-- Node utilisation from resource_usage samples: committed / available (the node's reservation), mean and max
-- over the samples (not time-weighted).
-- A derived table: run_metrics reads it (and strategy_summary through run_metrics).
CREATE OR REPLACE TABLE node_utilisation AS
SELECT run_key, node_id, count(*) AS samples,
  avg(cpu_used_milli / nullif(cpu_available_milli, 0)) AS cpu_mean,
  max(cpu_used_milli / nullif(cpu_available_milli, 0)) AS cpu_max,
  avg(memory_used_bytes / nullif(memory_available_bytes, 0)) AS memory_mean,
  max(memory_used_bytes / nullif(memory_available_bytes, 0)) AS memory_max
FROM resource_usage GROUP BY ALL;
