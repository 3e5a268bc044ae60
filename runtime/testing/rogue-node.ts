/**
 * A misbehaving fog node for tests: a real HTTP server on loopback that registers with its parent like any node
 * (signed, so the market accepts it), answers latency probes, and then behaves as scripted when asked for bids
 * or paid: hang, refuse payment, or return a forged or replayed bid. It is a peer of the system under test, not
 * a mock of any part of it.
 */
import { randomUUID } from "node:crypto";
import { requestJson } from "../http/client.ts";
import { startJsonServer, type RunningServer } from "../http/server.ts";
import {
  acceptSigningText,
  bidRequestSchema,
  bidSigningText,
  formatRegistration,
  registrationSigningText,
  type BidProposal,
  type BidRequest,
  type NodeRegistration,
} from "../protocol/messages.ts";
import { generateNodeKeys, signText, type NodeKeys } from "../protocol/signing.ts";
import { parseWith } from "../protocol/validate.ts";

export interface RogueBehaviour {
  /** What to answer to `POST /api/bid`: a hang, or the bids built from the request. */
  bid: "hang" | ((req: BidRequest, self: RogueIdentity) => BidProposal[]);
  /** What to answer to `POST /api/accept/{slaId}`. */
  accept: "ok" | "refuse" | "hang";
}

export interface RogueIdentity {
  id: string;
  keys: NodeKeys;
  /** A correctly signed bid of this node for the request's SLA. */
  signedBid(req: BidRequest, value: number): BidProposal;
}

export interface RogueNode extends RogueIdentity {
  url: string;
  /** Every call for bids received. */
  calls: BidRequest[];
  close(): Promise<void>;
}

export async function startRogueNode(opts: {
  ip: string;
  parent: { id: string; url: string };
  behaviour: RogueBehaviour;
  id?: string;
}): Promise<RogueNode> {
  const keys = generateNodeKeys();
  const id = opts.id ?? `rogue-${randomUUID()}`;
  const identity: RogueIdentity = {
    id,
    keys,
    signedBid(req, value) {
      const unsigned = { nodeId: id, id: randomUUID(), bid: value, price: value };
      return { ...unsigned, signature: signText(keys, bidSigningText(req.sla.id, unsigned)) };
    },
  };
  const calls: BidRequest[] = [];
  const hanging = new Set<() => void>();
  const hang = () => new Promise<never>((_, reject) => hanging.add(() => reject(new Error("closed"))));
  const server: RunningServer = await startJsonServer({
    host: opts.ip,
    port: 0,
    routes: [
      { method: "GET", path: "/api/ping", handler: () => ({ status: 204 }) },
      {
        method: "POST",
        path: "/api/bid",
        handler: async (req) => {
          const request = parseWith(bidRequestSchema, req.body);
          calls.push(request);
          if (opts.behaviour.bid === "hang") return hang();
          return { json: { bids: opts.behaviour.bid(request, identity) } };
        },
      },
      {
        method: "POST",
        path: "/api/accept/:slaId",
        handler: async (req) => {
          if (opts.behaviour.accept === "hang") return hang();
          if (opts.behaviour.accept === "refuse")
            return { status: 409, json: { error: { message: "capacity changed" } } };
          const body = req.body as { bidId: string };
          const ack = { slaId: req.params.slaId!, nodeId: id, bidId: body.bidId };
          return { json: { ...ack, signature: signText(keys, acceptSigningText(ack)) } };
        },
      },
    ],
  });
  const unsigned: NodeRegistration = {
    kind: "node",
    parent: opts.parent.id,
    nodeId: id,
    ip: server.host,
    portHttp: String(server.port),
    portFaas: "1",
    tags: ["node_to_node", "rogue"],
    advertisedBandwidthBps: 1e9,
    publicKey: keys.publicKey,
    signedAt: Date.now(),
  };
  const registration = { ...unsigned, signature: signText(keys, registrationSigningText(unsigned)) };
  await requestJson(`${opts.parent.url}/api/register`, {
    method: "POST",
    body: formatRegistration(registration),
    timeoutMs: 10_000,
  });
  return {
    ...identity,
    url: server.url,
    calls,
    async close() {
      for (const release of hanging) release();
      await server.close();
    },
  };
}
