/** emulateNetwork ─► tc HTB/netem per VM ─► ping every emulated pair ─► all within tolerance, or netem-invalid */
import { pathMatrix } from "../../../../../runtime/protocol/path-matrix.ts";
import type { StepContext } from "../../../types.ts";
import { applyNetem, describePair, emulatedPairs, netemVmsOf, planNetem, validateNetem } from "../../netem/index.ts";
import type { ProviderContext } from "../context.ts";
import { Grid5000ProviderError } from "../errors.ts";
import type { Grid5000State } from "../state.ts";

export async function emulateNetwork(
  c: ProviderContext,
  state: Grid5000State,
  ctx: StepContext,
): Promise<Grid5000State> {
  ctx.progress("emulateNetwork");
  const spec = c.specFor("emulates the network");
  const { systemExec } = await c.vms(state);
  const netemVms = netemVmsOf(c.vmsOf(state));
  ctx.log(`emulateNetwork: shaping ${netemVms.length} VMs`);
  const matrix = pathMatrix(spec.topology);
  await applyNetem(systemExec, planNetem(matrix, netemVms), { signal: ctx.signal });
  const reports = await validateNetem(systemExec, matrix, netemVms, emulatedPairs(spec.topology, netemVms));
  const bad = reports.filter((r) => !r.ok);
  ctx.log(`emulateNetwork: ${reports.length - bad.length} of ${reports.length} emulated pairs within tolerance`);
  if (bad.length > 0) {
    throw new Grid5000ProviderError(
      `The network emulation is not in effect on ${bad.length} pairs: ${bad.slice(0, 5).map(describePair).join("; ")}.`,
      { reason: "netem-invalid" },
    );
  }
  return c.done(state, "emulateNetwork");
}
