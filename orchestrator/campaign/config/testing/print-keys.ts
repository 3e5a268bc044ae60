/** Prints the run keys of the campaign folder given as argument, as JSON: used to check keys across processes. */
import { expandRuns, loadCampaign } from "../index.ts";

const campaign = await loadCampaign(process.argv[2]!, { env: {} });
console.log(JSON.stringify(expandRuns(campaign).map((r) => [r.label, r.key, r.topologyKey, r.planKey])));
