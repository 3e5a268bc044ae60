/**
 * From the path matrix and the VMs' addresses to the commands each VM runs (grid5000.md §3.2–3.3): every VM
 * shapes its own egress toward every other VM with the pair's one-way delay, bottleneck rate and loss, as GIRAFF
 * does (`symmetric` pairs: both directions are set, each at its source), so RTT = delay(a→b) + delay(b→a).
 */
import { IOT_SOURCE_ID, type PathMatrix } from "../../../plan/topology/index.ts";
import type { VmPlacement } from "../plan/index.ts";
import { chunkScripts, deviceCommands, type Constraint } from "./commands.ts";
import { NetemError } from "./errors.ts";

/** A VM as netem sees it: its id in the path matrix and its address (also where its commands run). */
export interface NetemVm {
  id: string;
  ip: string;
}

export interface NetemOptions {
  /** The VM's interface (default `eth0`: the image turns predictable interface names off). */
  device?: string;
  /** Commands per exec (default 25, as GIRAFF). */
  chunkSize?: number;
}

/** One VM's share: its constraints, the commands and the chunked scripts to run on it. */
export interface HostNetem {
  vm: string;
  host: string;
  device: string;
  constraints: Constraint[];
  commands: string[];
  scripts: string[];
}

/** The placed VMs of a plan, with the IoT VM under the path matrix's id; a VM without an IP is an error. */
export function netemVmsOf(placements: readonly VmPlacement[]): NetemVm[] {
  return placements.map((p) => {
    if (p.ip === undefined) {
      throw new NetemError({ message: `VM ${p.name} has no IP yet; plan with the running job's lease first.` });
    }
    return { id: p.role === "iot" ? IOT_SOURCE_ID : p.vm, ip: p.ip };
  });
}

/** The commands of every VM, in the order of `vms`; pairs with a VM not in `vms` are left out. */
export function planNetem(matrix: PathMatrix, vms: readonly NetemVm[], options: NetemOptions = {}): HostNetem[] {
  const device = options.device ?? "eth0";
  for (const vm of vms) {
    if (!matrix.index.has(vm.id)) throw new NetemError({ message: `VM ${vm.id} is not in the path matrix.` });
  }
  return vms.map((src) => {
    const constraints = vms
      .filter((dst) => dst.id !== src.id)
      .map((dst) => {
        const e = matrix.get(src.id, dst.id);
        return { dst: dst.ip, delayMs: e.latencyMs, rateBps: e.rateBps, lossPct: e.lossPct };
      });
    const commands = deviceCommands(device, constraints);
    return {
      vm: src.id,
      host: src.ip,
      device,
      constraints,
      commands,
      scripts: chunkScripts(commands, options.chunkSize),
    };
  });
}
