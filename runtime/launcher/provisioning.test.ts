/**
 * End to end on the local fog network with real FaaS gateways: a function is placed, provisioned as a real
 * process, invoked, and removed when its reservation expires; concurrent SLAs never overcommit a node; every
 * event written is valid against the protocol's event union.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenFaasClient } from "../faas/openfaas-client.ts";
import { request } from "../http/client.ts";
import { devTopology, getJson, idOf, putFunction, slaBody } from "../testing/fixtures.ts";
import { readRunEvents } from "../testing/run-events.ts";
import { waitUntil } from "../testing/wait.ts";
import { launchFogNetwork, type FogNetwork } from "./launch.ts";

const topology = devTopology();
const runDir = mkdtempSync(join(tmpdir(), "giraff-run-"));
let network: FogNetwork;

beforeAll(async () => {
  network = await launchFogNetwork(topology, { subnet: "127.71", runDir, run: "provisioning-test", logLevel: "error" });
});
afterAll(async () => {
  await network?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

describe("functions on the local fog network", () => {
  it("places, provisions, invokes and expires a function", async () => {
    const put = await putFunction(
      network.marketUrl,
      idOf(topology, "node_12"),
      slaBody({ duration: "4 s", functionLiveName: "echo-e2e" }),
    );
    expect(put.status).toBe(200);
    const { sla, chosen } = put.json;
    const provision = await request(`${network.marketUrl}/api/function/${sla.id}`, {
      method: "POST",
      timeoutMs: 60_000,
    });
    expect(provision.status, provision.text()).toBe(200);
    const fn = `http://${chosen.ip}:${chosen.port}/function/fogfn-${sla.id}`;
    const answer = await request(fn, { method: "POST", body: "ping", timeoutMs: 10_000 });
    expect(answer.status).toBe(200);
    expect(answer.text()).toBe("ping");
    expect(answer.headers["giraff-sla-id"]).toBe(sla.id);
    expect(answer.headers["giraff-tags"]).toBe("echo-e2e");

    const winner = network.nodes.find((n) => n.id === chosen.bid.nodeId)!;
    await waitUntil("the reservation to expire", async () => {
      const state = await getJson(`${winner.url}/api/state`);
      return state.functions.Finished >= 1 && state.resources.cpuUsedMilli === 0;
    });
    const gateway = new OpenFaasClient({ baseUrl: winner.faasUrl!, auth: network.gatewayAuth });
    expect((await gateway.list()).map((f) => f.name)).not.toContain(`fogfn-${sla.id}`);
    expect((await request(fn, { method: "POST", body: "ping", timeoutMs: 10_000 })).status).toBe(404);
  });

  it("never pays a node beyond its capacity, and refuses with a reason when the tree is full", async () => {
    // 1 cpu each; the tree reserves 18 cpus in all, so at most 18 of 40 concurrent SLAs can be placed (fewer: GIRAFF's
    // admission check is strict, `used + cpu < available`)
    const target = idOf(topology, "node_35");
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, k) =>
        putFunction(
          network.marketUrl,
          target,
          slaBody({
            cpu: "1 cpu",
            memory: "10 MB",
            latencyMax: "5 s",
            duration: "60 s",
            functionLiveName: `fill-${k}`,
          }),
        ),
      ),
    );
    const awarded = answers.filter((a) => a.status === 200);
    // 40 at once may also hit a node's proposal limit: that refusal is a 429 "rate limited" (with Retry-After), not
    // a 503, and it is as legitimate an answer here as a full tree
    const refused = answers.filter((a) => a.status === 503 || a.status === 429);
    expect(awarded.length + refused.length).toBe(40);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.json.error.reason).toMatch(
        r.status === 429 ? /rate limited/ : /no bids|every candidate refused payment/,
      );
    }
    const perNode = new Map<string, number>();
    for (const a of awarded) perNode.set(a.json.chosen.bid.nodeId, (perNode.get(a.json.chosen.bid.nodeId) ?? 0) + 1);
    for (const node of topology.nodes) {
      const state = await getJson(`${network.nodes.find((n) => n.id === node.id)!.url}/api/state`);
      expect(state.resources.cpuUsedMilli).toBeLessThan(state.resources.cpuAvailableMilli);
      expect(perNode.get(node.id) ?? 0).toBeLessThan(node.flavor.reservedCores);
    }
  });

  it("writes only valid events, of every kind the run produced", async () => {
    await network.stop();
    expect(readdirSync(join(runDir, "events"))).toContain("market.jsonl");
    const events = readRunEvents(runDir);
    expect(new Set(events.map((e) => e.run))).toEqual(new Set(["provisioning-test"]));
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of [
      "sla_submitted",
      "bid_request_seen",
      "bid",
      "auction_result",
      "payment",
      "provisioned",
      "live",
      "finished",
      "neighbor_latency",
      "node_registered",
      "resource_usage",
      "refused",
    ] as const) {
      expect(kinds, kind).toContain(kind);
    }
  });
});
