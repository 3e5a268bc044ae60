/**
 * Dense functions through the whole launcher: on a network whose gateways run functions densely, two functions of
 * one image placed through the market are instances of the same host process, each answering on its own route with
 * its own SLA identity, and a deleted one is gone while the other still answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { devTopology, idOf, putFunction, slaBody } from "../testing/fixtures.ts";
import { launchFogNetwork, type FogNetwork } from "./launch.ts";

const topology = devTopology();
let network: FogNetwork;

beforeAll(async () => {
  network = await launchFogNetwork(topology, {
    subnet: "127.72",
    run: "dense-test",
    logLevel: "error",
    functionMode: "dense",
  });
});
afterAll(async () => {
  await network?.stop();
});

interface Placed {
  slaId: string;
  url: string;
  faasUrl: string;
}

async function place(target: string, name: string): Promise<Placed> {
  const put = await putFunction(
    network.marketUrl,
    idOf(topology, target),
    slaBody({ duration: "60 s", functionLiveName: name }),
  );
  expect(put.status).toBe(200);
  const { sla, chosen } = put.json;
  const provision = await request(`${network.marketUrl}/api/function/${sla.id}`, { method: "POST", timeoutMs: 60_000 });
  expect(provision.status, provision.text()).toBe(200);
  const winner = network.nodes.find((n) => n.id === chosen.bid.nodeId)!;
  return {
    slaId: sla.id,
    url: `http://${chosen.ip}:${chosen.port}/function/fogfn-${sla.id}`,
    faasUrl: winner.faasUrl!,
  };
}

async function processOf(p: Placed): Promise<{ pid: number; instance?: unknown }> {
  const { username, password } = network.gatewayAuth!;
  const answer = await request(`${p.faasUrl}/system/function/fogfn-${p.slaId}`, {
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
    timeoutMs: 10_000,
  });
  expect(answer.status).toBe(200);
  return (answer.json() as { process: { pid: number; instance?: unknown } }).process;
}

describe("dense functions on the local fog network", () => {
  it("hosts two placed functions of one image in one process, each on its own route and identity", async () => {
    const a = await place("node_12", "dense-a");
    const b = await place("node_34", "dense-b");
    for (const [p, name] of [
      [a, "dense-a"],
      [b, "dense-b"],
    ] as const) {
      const answer = await request(p.url, { method: "POST", body: `ping ${name}`, timeoutMs: 10_000 });
      expect(answer.status).toBe(200);
      expect(answer.text()).toBe(`ping ${name}`);
      expect(answer.headers["giraff-sla-id"]).toBe(p.slaId);
      expect(answer.headers["giraff-tags"]).toBe(name);
    }
    const [pa, pb] = [await processOf(a), await processOf(b)];
    expect(pa.instance).toBeDefined();
    expect(pa.pid).toBe(pb.pid); // the dev tree fits one worker: one host process for the image

    const { username, password } = network.gatewayAuth!;
    const removed = await request(`${a.faasUrl}/system/functions`, {
      method: "DELETE",
      body: { functionName: `fogfn-${a.slaId}` },
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
      timeoutMs: 30_000,
    });
    expect(removed.status).toBe(200);
    expect((await request(a.url, { method: "POST", body: "x", timeoutMs: 10_000 })).status).toBe(404);
    expect((await request(b.url, { method: "POST", body: "still", timeoutMs: 10_000 })).text()).toBe("still");
  });
});
