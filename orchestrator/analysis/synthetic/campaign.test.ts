import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { metricEventSchema } from "../../../runtime/protocol/events.ts";
import { rows, withConnection } from "../connection.ts";
import { noopAnalysisEffects } from "../effects.ts";
import { ingestCampaign } from "../ingest.ts";
import { writeSyntheticCampaign } from "./campaign.ts";

let dir: string;
beforeEach(() => {
  process.env.TZ = "UTC";
  dir = mkdtempSync(join(tmpdir(), "analysis-synthetic-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeSyntheticCampaign", () => {
  it("writes valid events that give every run its metrics", async () => {
    const options = { strategies: ["auction", "random"], sizes: [1, 2], repetitions: 2, eventsPerRun: 400 };
    const { runs, events } = await writeSyntheticCampaign(dir, options);
    expect(runs).toHaveLength(8);
    let lines = 0;
    for (const run of runs) {
      for (const file of readdirSync(join(dir, run, "events"))) {
        for (const line of readFileSync(join(dir, run, "events", file), "utf8")
          .split("\n")
          .filter(Boolean)) {
          metricEventSchema.parse(JSON.parse(line));
          lines++;
        }
      }
    }
    expect(lines).toBe(events);
    const report = await ingestCampaign(dir, { effects: noopAnalysisEffects });
    expect([report.events, report.invalidLines]).toEqual([events, 0]);
    const metrics = await withConnection(report.dbPath, (con) =>
      rows(
        con,
        "SELECT count(*) AS runs, count(sla_violation_pct) AS sla, count(mean_deployment_ms) AS deployment, " +
          "count(jain_charged) AS jain FROM run_metrics",
      ),
    );
    expect(metrics).toEqual([{ runs: 8, sla: 8, deployment: 8, jain: 8 }]);
  });

  it("is deterministic", async () => {
    const options = { strategies: ["auction"], sizes: [1], repetitions: 1, eventsPerRun: 200 };
    await writeSyntheticCampaign(join(dir, "a"), options);
    await writeSyntheticCampaign(join(dir, "b"), options);
    const read = (d: string) => readFileSync(join(dir, d, "x1-r1-base-auction", "events", "iot.jsonl"), "utf8");
    expect(read("a")).toBe(read("b"));
  });
});
