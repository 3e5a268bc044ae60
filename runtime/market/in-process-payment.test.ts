/**
 * The market's in-process path (a network hosted whole in one process): calls for bids and payments go to nodes
 * through the peer directory, and a refused payment still falls back to the next bidder, with the node's reason
 * recorded. The peers here are scripted stand-ins for nodes, built on the `LocalPeer` contract; the market, its
 * registry, its key agreement and the MAC checks are the real ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveBidKey, macText } from "../protocol/bid-mac.ts";
import { ProtocolError } from "../protocol/errors.ts";
import {
  acceptSigningText,
  bidSigningText,
  registrationSigningText,
  type BidProposal,
  type NodeRegistration,
  type Sla,
} from "../protocol/messages.ts";
import { generateNodeKeys, signText } from "../protocol/signing.ts";
import { LocalPeerDirectory, type LocalPeer } from "../in-process/local-peers.ts";
import { startMarket, type RunningMarket } from "./market.ts";

const directory = new LocalPeerDirectory();
let market: RunningMarket;
let root: ScriptedNode;
let child: ScriptedNode;

interface ScriptedNode {
  id: string;
  url: string;
  bidKey: Buffer;
}

function register(id: string, parent: string | undefined, octet: number, at: RunningMarket = market): ScriptedNode {
  const keys = generateNodeKeys();
  const unsigned: NodeRegistration = {
    kind: parent === undefined ? "marketNode" : "node",
    parent,
    nodeId: id,
    ip: `127.69.201.${octet}`,
    portHttp: "30003",
    portFaas: "31112",
    tags: [],
    advertisedBandwidthBps: 1e9,
    publicKey: keys.publicKey,
    agreementKey: keys.agreement.publicKey,
    signedAt: Date.now(),
  };
  at.registry.register({ ...unsigned, signature: signText(keys, registrationSigningText(unsigned)) }, Date.now());
  const bidKey = deriveBidKey(keys.agreement.privateKey, at.agreement.publicKey, id)!;
  return { id, url: `http://${unsigned.ip}:30003`, bidKey };
}

function macBid(node: ScriptedNode, slaId: string, bid: number): BidProposal {
  const unsigned = { nodeId: node.id, id: `${node.id}-${slaId}`, bid, price: bid };
  return { ...unsigned, mac: macText(node.bidKey, bidSigningText(slaId, unsigned)) };
}

const sla: Omit<Sla, "id"> = {
  memoryBytes: 16e6,
  cpuMilli: 10,
  latencyMaxMs: 100,
  durationMs: 1000,
  replicas: 1,
  functionImage: "fn_echo",
  functionLiveName: "in-process",
  dataFlow: [],
  envVars: [],
  inputMaxSizeBytes: 1500,
};

beforeAll(async () => {
  market = await startMarket({
    host: "127.69.201.254",
    port: 0,
    peers: directory,
    paymentTimeoutMs: 500,
    openRegistration: true,
  });
  root = register("root", undefined, 1);
  child = register("child", "root", 2);
});
afterAll(async () => {
  await market?.close();
});

describe("market with in-process nodes", () => {
  it("pays the next bidder when the winner refuses, recording the refusal's reason", async () => {
    const accepted: string[] = [];
    const refusing: LocalPeer = {
      alive: () => true,
      callForBids: async (request) => ({ bids: [macBid(root, request.sla.id, 1), macBid(child, request.sla.id, 2)] }),
      accept: () => {
        throw new ProtocolError({ field: "bidId", rule: "a bid this node still holds", value: "x", status: 409 });
      },
    };
    const paying: LocalPeer = {
      alive: () => true,
      callForBids: async () => ({ bids: [] }),
      accept: (slaId, body) => {
        accepted.push(slaId);
        const ack = { slaId, nodeId: child.id, bidId: body.bidId! };
        return { ...ack, mac: macText(child.bidKey, acceptSigningText(ack)) };
      },
    };
    directory.add(root.url, refusing);
    directory.add(child.url, paying);

    const record = await market.submit(sla, root.id);
    expect(record.outcome).toBe("awarded");
    expect(record.winner).toBe(child.id);
    expect(record.bids.map((b) => b.verdict)).toEqual(["valid", "valid"]);
    expect(record.paymentAttempts).toEqual([
      expect.objectContaining({ nodeId: root.id, ok: false, reason: expect.stringMatching(/^refused \(409\)/) }),
      expect.objectContaining({ nodeId: child.id, ok: true }),
    ]);
    expect(accepted).toEqual([record.slaId]);
  });

  it("refuses the SLA instead, with `paymentFallback: false` (GIRAFF's market)", async () => {
    const giraff = await startMarket({
      host: "127.69.201.253",
      port: 0,
      peers: directory,
      paymentTimeoutMs: 500,
      paymentFallback: false,
      openRegistration: true,
    });
    try {
      const lone = register("lone", undefined, 4, giraff);
      const other = register("other", "lone", 5, giraff);
      let accepts = 0;
      directory.add(lone.url, {
        alive: () => true,
        callForBids: async (request) => ({ bids: [macBid(lone, request.sla.id, 1), macBid(other, request.sla.id, 2)] }),
        accept: () => {
          throw new ProtocolError({ field: "bidId", rule: "a bid this node still holds", value: "x", status: 409 });
        },
      });
      directory.add(other.url, {
        alive: () => true,
        callForBids: async () => ({ bids: [] }),
        accept: () => {
          accepts++;
          throw new Error("never offered");
        },
      });
      const record = await giraff.submit(sla, lone.id);
      expect(record).toMatchObject({ outcome: "refused", reason: "the winner refused payment (no fallback)" });
      expect(record.paymentAttempts).toEqual([expect.objectContaining({ nodeId: lone.id, ok: false })]);
      expect(accepts).toBe(0);
    } finally {
      await giraff.close();
    }
  });

  it("refuses an acknowledgement whose MAC is not under the node's key", async () => {
    const node = register("forger", "root", 3);
    directory.add(node.url, {
      alive: () => true,
      callForBids: async (request) => ({ bids: [macBid(node, request.sla.id, 1)] }),
      accept: (slaId, body) => ({ slaId, nodeId: node.id, bidId: body.bidId!, mac: "A".repeat(43) }),
    });
    const record = await market.submit(sla, node.id);
    expect(record.outcome).not.toBe("awarded");
    expect(record.paymentAttempts).toEqual([
      expect.objectContaining({ nodeId: node.id, ok: false, reason: "acceptance not signed by the node" }),
    ]);
  });
});
