/**
 * Where each process of a local fog network listens. Every node gets its own loopback address (all of
 * 127.0.0.0/8 routes to `lo`), so nodes keep GIRAFF's ports (fog node 30003, gateway 31112, market 30008) and
 * runs in parallel stay apart by using different subnets.
 */
import { ConfigError } from "../protocol/errors.ts";
import type { Topology } from "../protocol/topology.ts";

export interface AddressPlan {
  /** `127.a.b`: the first two octets after 127 of every address of this network. */
  subnet: string;
  market: { ip: string; port: number };
  /** The IoT emulator, next to the market. */
  iot: { ip: string; port: number };
  nodes: Map<string, { ip: string; portHttp: number; portFaas: number }>;
}

export const PORTS = { node: 30003, faas: 31112, market: 30008, proxy: 3128, iot: 3003 } as const;

/** Node i (in topology order) gets 127.A.B+⌊(i+1)/254⌋.((i+1) mod 254)+… ; the market gets 127.A.255.254, the IoT emulator 127.A.255.253. */
export function planAddresses(topology: Topology, subnet = "127.77", ports: Partial<typeof PORTS> = {}): AddressPlan {
  const match = /^127\.(\d{1,3})$/.exec(subnet);
  if (match === null || Number(match[1]) > 255) {
    throw new ConfigError(
      "subnet",
      `Expected \`subnet\` to look like \`127.77\` (a /16 of the loopback range), got ${JSON.stringify(subnet)}.`,
    );
  }
  const p = { ...PORTS, ...ports };
  if (topology.nodes.length > 250 * 250) {
    throw new ConfigError("topology", `A local fog network holds at most 62500 nodes, got ${topology.nodes.length}.`);
  }
  const nodes = new Map<string, { ip: string; portHttp: number; portFaas: number }>();
  topology.nodes.forEach((node, i) => {
    const third = Math.floor(i / 250);
    const fourth = (i % 250) + 1;
    nodes.set(node.id, { ip: `${subnet}.${third}.${fourth}`, portHttp: p.node, portFaas: p.faas });
  });
  return {
    subnet,
    market: { ip: `${subnet}.255.254`, port: p.market },
    iot: { ip: `${subnet}.255.253`, port: p.iot },
    nodes,
  };
}
