/**
 * Saving a topology: validated, pretty-printed, written to a temporary file next to the target and renamed over
 * it, so a reader never sees half a file. Loading is `loadTopology` from runtime/protocol, the runtime's own reader.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseTopology, type Topology } from "../../../runtime/protocol/topology.ts";

export { loadTopology } from "../../../runtime/protocol/topology.ts";

/** Writes `topology` as pretty JSON to `path` (parent folders created), atomically; throws if it does not validate. */
export async function saveTopology(path: string, topology: Topology): Promise<void> {
  const text = `${JSON.stringify(parseTopology(topology), null, 2)}\n`;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, "utf8");
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
