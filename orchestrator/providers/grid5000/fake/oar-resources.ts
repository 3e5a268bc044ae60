/**
 * The OAR resource strings the fake accepts (grid5000.md §1.4): `+`-joined parts of `{cluster='x'}/nodes=N`,
 * `{network_address in ('a', 'b')}/nodes=N`, `slash_22=N` (or `slash_16`), `{type='kavlan…'}/vlan=1`, then
 * `,walltime=HH:MM[:SS]`. Anything else is refused with a sentence, as OAR would refuse it.
 */
import { parseWalltime } from "../api/oar-time.ts";

export interface NodeRequest {
  cluster?: string;
  hosts?: string[];
  count: number;
}

export interface ResourceRequest {
  nodes: NodeRequest[];
  slash22: number;
  slash16: number;
  vlans: number;
  /** Seconds; OAR's default is one hour. */
  walltimeS: number;
}

export function parseResources(text: string): ResourceRequest | string {
  const [parts = "", ...options] = text.split(",");
  const out: ResourceRequest = { nodes: [], slash22: 0, slash16: 0, vlans: 0, walltimeS: 3600 };
  for (const option of options) {
    const m = /^walltime=(.+)$/.exec(option.trim());
    const seconds = m === null ? undefined : parseWalltime(m[1]!);
    if (seconds === undefined || seconds <= 0) return `Bad resource option ${JSON.stringify(option)}.`;
    out.walltimeS = seconds;
  }
  for (const part of parts.split("+").map((p) => p.trim())) {
    let m: RegExpExecArray | null;
    if ((m = /^\{cluster='([\w-]+)'\}\/nodes=(\d+)$/.exec(part)))
      out.nodes.push({ cluster: m[1]!, count: Number(m[2]) });
    else if ((m = /^\{network_address in \((.+)\)\}\/nodes=(\d+)$/.exec(part))) {
      const hosts = m[1]!.split(",").map((h) => h.trim().replace(/^'|'$/g, ""));
      out.nodes.push({ hosts, count: Number(m[2]) });
    } else if ((m = /^nodes=(\d+)$/.exec(part))) out.nodes.push({ count: Number(m[1]) });
    else if ((m = /^slash_22=(\d+)$/.exec(part))) out.slash22 += Number(m[1]);
    else if ((m = /^slash_16=(\d+)$/.exec(part))) out.slash16 += Number(m[1]);
    else if ((m = /^\{type='kavlan(-local|-global)?'\}\/vlan=(\d+)$/.exec(part))) out.vlans += Number(m[2]);
    else return `Bad resource request ${JSON.stringify(part)}.`;
  }
  return out;
}
