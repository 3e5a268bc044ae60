/**
 * Reading iputils `ping -q` output: the packet line (`10 packets transmitted, 9 received, 10% packet loss, …`,
 * with `+N errors` when hosts are unreachable) and the summary (`rtt min/avg/max/mdev = 20.1/20.4/21.0/0.3 ms`,
 * absent when nothing came back). BusyBox spells the summary `round-trip min/avg/max = …`; both are read.
 */

export interface PingSummary {
  transmitted: number;
  received: number;
  lossPct: number;
  /** Absent when no reply came back. */
  minMs?: number;
  avgMs?: number;
  maxMs?: number;
  mdevMs?: number;
}

const PACKETS = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+\d+ errors)?, ([\d.]+)% packet loss/;
const RTT = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/;

/** The summary of a ping run, or undefined when the output has no packet line (ping did not run). */
export function parsePing(stdout: string): PingSummary | undefined {
  const packets = PACKETS.exec(stdout);
  if (packets === null) return undefined;
  const summary: PingSummary = {
    transmitted: Number(packets[1]),
    received: Number(packets[2]),
    lossPct: Number(packets[3]),
  };
  const rtt = RTT.exec(stdout);
  if (rtt === null) return summary;
  summary.minMs = Number(rtt[1]);
  summary.avgMs = Number(rtt[2]);
  summary.maxMs = Number(rtt[3]);
  if (rtt[4] !== undefined) summary.mdevMs = Number(rtt[4]);
  return summary;
}
