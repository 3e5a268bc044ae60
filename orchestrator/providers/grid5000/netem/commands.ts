/**
 * EnOSlib's `NetemHTB` commands for one source device (grid5000.md §3.2): remove the root qdisc (ignoring "no
 * such qdisc"), add an HTB root with no default class (traffic to other addresses is not shaped), then per
 * destination i (from 0) an HTB class `1:{i+1}` with the pair's rate, a netem child `{i+10}:` with the one-way
 * delay (and loss when > 0), and a u32 filter sending the destination IP to that class.
 *
 * tc reads handles as hex; like EnOSlib we write the decimal numbers, which stay distinct as hex strings and fit
 * the 16-bit handle while i + 10 < 10000 (GIRAFF's largest run has 663 VMs).
 */
import { formatDelay, formatLoss, formatRate } from "./format.ts";

/** One destination's constraint at the source's egress. */
export interface Constraint {
  /** Destination IPv4 address. */
  dst: string;
  /** One-way delay, ms. */
  delayMs: number;
  rateBps: number;
  lossPct: number;
}

export const MAX_CONSTRAINTS = 9989;

export const removeCommand = (device: string) => `tc qdisc del dev ${device} root || true`;
export const rootCommand = (device: string) => `tc qdisc add dev ${device} root handle 1: htb`;

/** The three commands of constraint `i`: class, netem qdisc, filter. */
export function constraintCommands(device: string, c: Constraint, i: number): string[] {
  const loss = c.lossPct > 0 ? ` loss ${formatLoss(c.lossPct)}` : "";
  return [
    `tc class add dev ${device} parent 1: classid 1:${i + 1} htb rate ${formatRate(c.rateBps)}`,
    `tc qdisc add dev ${device} parent 1:${i + 1} handle ${i + 10}: netem delay ${formatDelay(c.delayMs)}${loss}`,
    `tc filter add dev ${device} parent 1: protocol ip u32 match ip dst ${c.dst} flowid 1:${i + 1}`,
  ];
}

/** Every command for `device`, remove first, so applying twice gives the same state (remove-then-add). */
export function deviceCommands(device: string, constraints: readonly Constraint[]): string[] {
  if (constraints.length > MAX_CONSTRAINTS) {
    throw new RangeError(`${constraints.length} destinations exceed the ${MAX_CONSTRAINTS} tc handles available.`);
  }
  return [
    removeCommand(device),
    rootCommand(device),
    ...constraints.flatMap((c, i) => constraintCommands(device, c, i)),
  ];
}

/**
 * Commands in chunks of at most `size`, each one shell script for one exec (GIRAFF deployed with 25). `set -e`
 * stops a chunk at its first failing command, so a failure is reported where it happened.
 */
export function chunkScripts(commands: readonly string[], size = 25): string[] {
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`Expected a chunk size ≥ 1, got ${size}.`);
  const scripts: string[] = [];
  for (let i = 0; i < commands.length; i += size) {
    scripts.push(["set -e", ...commands.slice(i, i + size)].join("\n"));
  }
  return scripts;
}
