/** The provider's state file: what the job and the VMs are, saved after every step (no credentials in it). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomicallySync } from "../../../../runtime/util/atomic-file.ts";
import type { Lease } from "../api/index.ts";
import type { VmPlacement } from "../plan/index.ts";
import type { ProviderState } from "../../types.ts";

export interface Grid5000State extends ProviderState {
  provider: "grid5000";
  stateDir: string;
  site: string;
  jobName: string;
  lease?: Lease | undefined;
  /** The VMs placed on the lease's hosts and subnet (known after `boot`). */
  vms?: VmPlacement[] | undefined;
  /** A runtime may be running or a run's files may be on the VMs: reset before the next deploy. */
  dirty: boolean;
  /** The job was deleted. */
  released?: string | undefined;
}

export const STATE_FILE = "grid5000-state.json";

export function loadState(stateDir: string): Grid5000State | undefined {
  const path = join(stateDir, STATE_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Grid5000State) : undefined;
}

export function saveState(state: Grid5000State): Grid5000State {
  writeJsonAtomicallySync(join(state.stateDir, STATE_FILE), state);
  return state;
}
