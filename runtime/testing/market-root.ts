/**
 * The runtime tests' smallest fog network: a market and one root node that has registered with it, the node's key
 * pinned at the market. Tests that fuzz or load the HTTP edges start it on their own loopback addresses, then
 * override what they are about (a fixed port, the in-flight cap, a gateway).
 */
import { startMarket, type MarketOptions, type RunningMarket } from "../market/market.ts";
import { startNode, type RunningNode } from "../node/agent.ts";
import type { NodeConfigSpec } from "../node/config.ts";
import type { NodeEffects } from "../node/node-state.ts";
import { generateNodeKeys, type NodeKeys } from "../protocol/signing.ts";

/** A fog node with room for the tests' functions (4 CPUs, 4 GiB) and GIRAFF's valuation parameters. */
export function testNodeSpec(
  id: string,
  ip: string,
  situation: NodeConfigSpec["situation"],
  overrides: Partial<NodeConfigSpec> = {},
): NodeConfigSpec {
  return {
    id,
    name: id,
    ip,
    portHttp: 0,
    situation,
    reservedCpuMilli: 4000,
    reservedMemoryBytes: 4 * 2 ** 30,
    valuationParams: { ratioAA: 0.1, ratioBB: 0.2, electricityPrice: 1 },
    ...overrides,
  };
}

export interface MarketWithRoot {
  market: RunningMarket;
  node: RunningNode;
  keys: NodeKeys;
  /** Closes the node, then the market. */
  close(): Promise<void>;
}

export async function startMarketWithRoot(opts: {
  marketHost: string;
  nodeIp: string;
  node?: Partial<NodeConfigSpec>;
  market?: MarketOptions;
  effects?: Partial<NodeEffects>;
}): Promise<MarketWithRoot> {
  const keys = generateNodeKeys();
  const market = await startMarket({
    host: opts.marketHost,
    port: 0,
    pinnedKeys: new Map([["root", keys.publicKey]]),
    ...opts.market,
  });
  const node = await startNode(
    testNodeSpec("root", opts.nodeIp, { kind: "market", marketUrl: market.url }, opts.node),
    { faas: undefined, keys, ...opts.effects },
  ).catch(async (err: unknown) => {
    await market.close();
    throw err;
  });
  await node.registered;
  return {
    market,
    node,
    keys,
    close: async () => {
      await node.close();
      await market.close();
    },
  };
}
