/**
 * Saving a topology: validated, pretty-printed, written atomically (runtime/util/atomic-file.ts), so a reader never
 * sees half a file. Loading is `loadTopology` from runtime/protocol, the runtime's own reader.
 */
import { parseTopology, type Topology } from "../../../runtime/protocol/topology.ts";
import { writeJsonAtomically } from "../../../runtime/util/atomic-file.ts";

export { loadTopology } from "../../../runtime/protocol/topology.ts";

/** Writes `topology` as pretty JSON to `path` (parent folders created), atomically; throws if it does not validate. */
export async function saveTopology(path: string, topology: Topology): Promise<void> {
  await writeJsonAtomically(path, parseTopology(topology));
}
