/**
 * Checking that the emulation is in place (EnOSlib's `validate`, grid5000.md §3.2, with iputils `ping` instead
 * of `fping`): for every pair the runtime actually talks over (tree neighbours, and the IoT VM with its
 * IoT-connected nodes), ping from one end and compare the average RTT with delay(a→b) + delay(b→a) (2 × delay
 * for GIRAFF's symmetric pairs), within max(`toleranceMs`, `tolerancePct` of it). Lost pings are expected on
 * lossy paths; a pair with no reply at all fails.
 */
import pLimit from "p-limit";
import type { Topology } from "../../../../runtime/protocol/topology.ts";
import { IOT_SOURCE_ID, type PathMatrix } from "../../../plan/topology/index.ts";
import type { RemoteExec } from "../vms/exec.ts";
import type { NetemVm } from "./plan.ts";
import { parsePing, type PingSummary } from "./ping.ts";

export const PAIR_OK = "within tolerance";
export const PAIR_TOO_SLOW = "slower than emulated";
export const PAIR_TOO_FAST = "faster than emulated (is the emulation applied?)";
export const PAIR_NO_REPLY = "no reply";
export const PAIR_UNPARSABLE = "no ping summary in the output";

export interface Pair {
  from: string;
  to: string;
}

export interface PairReport extends Pair {
  expectedRttMs: number;
  measured: PingSummary | undefined;
  ok: boolean;
  reason: string;
}

export interface ValidateOptions {
  /** Pings per pair (default 10). */
  count?: number;
  /** Absolute tolerance, ms (default 2: the base RTT between VMs plus scheduling noise). */
  toleranceMs?: number;
  /** Relative tolerance, percent of the expected RTT (default 10). */
  tolerancePct?: number;
  /** Pairs pinged at once (default 50). */
  concurrency?: number;
}

/** Parent/child pairs whose both ends are VMs (child first), then IoT VM → each IoT-connected node. */
export function emulatedPairs(topology: Topology, vms: readonly NetemVm[]): Pair[] {
  const present = new Set(vms.map((v) => v.id));
  const pairs = topology.nodes
    .filter((n) => n.parent !== null && present.has(n.id) && present.has(n.parent))
    .map((n) => ({ from: n.id, to: n.parent! }));
  if (!present.has(IOT_SOURCE_ID)) return pairs;
  const iot = topology.nodes.filter((n) => n.iotConnected && present.has(n.id));
  return [...pairs, ...iot.map((n) => ({ from: IOT_SOURCE_ID, to: n.id }))];
}

export const pingCommand = (ip: string, count: number) => `ping -n -q -c ${count} -i 0.2 -w ${count + 10} ${ip}`;

/** Pings every pair from its `from` VM and judges each RTT; never throws for a bad pair, it reports it. */
export async function validateNetem(
  exec: RemoteExec,
  matrix: PathMatrix,
  vms: readonly NetemVm[],
  pairs: readonly Pair[],
  options: ValidateOptions = {},
): Promise<PairReport[]> {
  const { count = 10, toleranceMs = 2, tolerancePct = 10, concurrency = 50 } = options;
  const ipOf = new Map(vms.map((v) => [v.id, v.ip]));
  const limit = pLimit(concurrency);
  return Promise.all(
    pairs.map((p) =>
      limit(async () => {
        const expectedRttMs = matrix.get(p.from, p.to).latencyMs + matrix.get(p.to, p.from).latencyMs;
        const out = await exec.exec(ipOf.get(p.from)!, pingCommand(ipOf.get(p.to)!, count));
        const measured = parsePing(out.stdoutTail);
        return { ...p, expectedRttMs, measured, ...judge(expectedRttMs, measured, toleranceMs, tolerancePct) };
      }),
    ),
  );
}

export function judge(expectedMs: number, m: PingSummary | undefined, tolMs: number, tolPct: number) {
  if (m === undefined) return { ok: false, reason: PAIR_UNPARSABLE };
  if (m.received === 0 || m.avgMs === undefined) return { ok: false, reason: PAIR_NO_REPLY };
  const tolerance = Math.max(tolMs, (expectedMs * tolPct) / 100);
  if (m.avgMs > expectedMs + tolerance) return { ok: false, reason: PAIR_TOO_SLOW };
  if (m.avgMs < expectedMs - tolerance) return { ok: false, reason: PAIR_TOO_FAST };
  return { ok: true, reason: PAIR_OK };
}

/** One line per pair, for logs: `b → a: RTT 10.3 ms, expected 10 ms, within tolerance`. */
export function describePair(r: PairReport): string {
  const rtt = r.measured?.avgMs === undefined ? "no RTT" : `RTT ${r.measured.avgMs} ms`;
  return `${r.from} → ${r.to}: ${rtt}, expected ${r.expectedRttMs} ms, ${r.reason}`;
}
