/**
 * The ways nodes reach each other, on the 7-node dev tree with real processes: in-process delivery between nodes
 * of a worker (the default), HTTP everywhere, and the whole network in the launcher's process (the market's calls
 * in-process too). All must explore the same nodes and give the same kind of answer, bids authenticated with the
 * MAC key each node agreed with the market at registration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestJson } from "../http/client.ts";
import { bidProposalsSchema, formatBidRequest, ZERO_LATENCY } from "../protocol/messages.ts";
import { callSigningText, HMAC_AUTH } from "../protocol/endpoint-auth.ts";
import { devTopology, idOf, putFunction, resolvedSla, slaBody } from "../testing/fixtures.ts";
import { launchFogNetwork, type FogNetwork } from "./launch.ts";

const topology = devTopology();
const transports = ["in-process", "http", "in-launcher"] as const;
const networks = new Map<string, FogNetwork>();

beforeAll(async () => {
  for (const [i, peerTransport] of transports.entries()) {
    networks.set(
      peerTransport,
      await launchFogNetwork(topology, {
        subnet: `127.${67 + i}`,
        faas: false,
        logLevel: "error",
        peerTransport: peerTransport === "http" ? "http" : "in-process",
        inProcess: peerTransport === "in-launcher",
      }),
    );
  }
});
afterAll(async () => {
  await Promise.all([...networks.values()].map((n) => n.stop()));
});

describe.each(transports)("peer transport %s", (peerTransport) => {
  it("floods the whole tree and every node answers with a bid MAC'd under its agreed key", async () => {
    const network = networks.get(peerTransport)!;
    const edge = network.nodes.find((n) => n.name === "node_34")!;
    const call = {
      nodeOrigin: edge.id,
      sla: resolvedSla(`direct-${peerTransport}`, { latencyMaxMs: 2000 }),
      accumulatedLatency: ZERO_LATENCY,
      budgetMs: 2000,
    };
    // the call the market would send: MAC'd under the key the node agreed with it
    const mac = HMAC_AUTH.mac(network.market.registry.bidKeyOf(edge.id), () => callSigningText(edge.id, call));
    const { json } = await requestJson(`${edge.url}/api/bid`, {
      method: "POST",
      body: formatBidRequest({ ...call, mac }),
      timeoutMs: 5000,
    });
    const answer = bidProposalsSchema.parse(json);
    expect(answer.bids.map((b) => b.nodeId).sort()).toEqual(topology.nodes.map((n) => n.id).sort());
    for (const bid of answer.bids) {
      expect(bid.mac, `bid of ${bid.nodeId}`).toMatch(/^[\w-]{43}$/);
      expect(bid.signature).toBeUndefined();
    }
  });

  it("runs auctions whose every bid the market accepts", async () => {
    const network = networks.get(peerTransport)!;
    const { status, json } = await putFunction(
      network.marketUrl,
      idOf(topology, "node_34"),
      slaBody({ latencyMax: "2000 ms", functionLiveName: `auction-${peerTransport}` }),
    );
    expect(status, JSON.stringify(json)).toBe(200);
    const record = network.market.records.get(json.sla.id)!;
    expect(record.outcome).toBe("awarded");
    expect(record.bids).toHaveLength(topology.nodes.length);
    expect(record.bids.every((b) => b.verdict === "valid")).toBe(true);
    expect(record.paymentAttempts).toEqual([expect.objectContaining({ ok: true })]);
    expect(network.workers).toHaveLength(peerTransport === "in-launcher" ? 0 : 1);
  });
});
