/**
 * Resident memory of a process and all its descendants, from `/proc/<pid>/status` (VmRSS) and the parent pid in
 * `/proc/<pid>/stat`. Linux only.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessRss {
  pid: number;
  ppid: number;
  rssKiB: number;
  command: string;
}

/** `root` and its descendants, root first. Processes that exit while being read are skipped. */
export function processTreeRss(root: number = process.pid): ProcessRss[] {
  const all = new Map<number, { ppid: number; command: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = tryRead(`/proc/${entry}/stat`);
    if (stat === undefined) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")"
    const close = stat.lastIndexOf(")");
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    all.set(Number(entry), { ppid, command: stat.slice(stat.indexOf("(") + 1, close) });
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, p] of all) if (p.ppid === tree[i]) tree.push(pid);
  }
  const out: ProcessRss[] = [];
  for (const pid of tree) {
    const status = tryRead(`/proc/${pid}/status`);
    const match = status === undefined ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match === null) continue;
    out.push({ pid, ppid: all.get(pid)?.ppid ?? 0, rssKiB: Number(match[1]), command: all.get(pid)?.command ?? "?" });
  }
  return out;
}

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms, from `/proc/<pid>/stat`; NaN once it is gone. */
export function processCpuMs(pid: number): number {
  const stat = tryRead(`/proc/${pid}/stat`);
  if (stat === undefined) return NaN;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11] and [12] are utime and stime in clock ticks (100 per second on Linux)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
