/**
 * Before any run starts: every plan of the campaign is generated (they are cached, so the runs reuse them) and its
 * tail checked against the variation's `WAIT_TIME`. A run collects `WAIT_TIME` after its replay ends; if the plan's
 * IoT sources still send then, requests in flight are cut off and counted as failures. Refused like any bad
 * campaign value: exit 2, naming both numbers, before anything is reserved.
 */
import type { Topology } from "../../../runtime/protocol/topology.ts";
import type { Plan } from "../../plan/workload/plan-schema.ts";
import { planTail } from "../../plan/workload/plan-timing.ts";
import { CampaignConfigError, type RunSpec } from "../config/index.ts";

export function checkPacing(
  runs: readonly RunSpec[],
  prepare: (run: RunSpec) => { topology: Topology; plan: Plan },
): void {
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.planKey)) continue;
    seen.add(run.planKey);
    const { plan } = prepare(run);
    const tail = planTail(plan);
    const wait = run.pacing.waitTimeS;
    if (wait >= tail.lastRequestS) continue;
    const from = run.pacing.waitTimeFrom;
    throw new CampaignConfigError(
      {
        file: from,
        variable: "WAIT_TIME",
        value: String(wait),
        rule:
          `at least ${tail.lastRequestS} s for the plan of variation ${run.variation} ` +
          `(size ×${run.size.multiplier}, repetition ${run.repetition})`,
      },
      `${from}: \`WAIT_TIME\` (${wait} s) is shorter than the plan of variation ${run.variation} needs: its last IoT source ` +
        `sends until ${tail.lastRequestS} s after its last chain arrives (its last reservation ends after ` +
        `${tail.lastReservationS} s), so a run would collect while requests are in flight. Set \`WAIT_TIME\` to at ` +
        `least ${tail.lastRequestS}, or shorten the reservations (\`DURATION_MULTIPLIER\`, \`FUNCTION_MIN_DURATION\`).`,
    );
  }
}
