/**
 * The embedded gateway's `/system/*` manages every function on its node: a stranger on the network tries to delete,
 * list and deploy functions there. The fog network runs its nodes in a worker process, each with its gateway, and a
 * placed function runs as a real process; the launch hands its caller the gateways' password, which the nodes use.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenFaasClient } from "../faas/openfaas-client.ts";
import { request } from "../http/client.ts";
import { launchFogNetwork, type FogNetwork } from "../launcher/launch.ts";
import { devTopology, idOf, putFunction, slaBody } from "../testing/fixtures.ts";
import { waitUntil } from "../testing/wait.ts";

const dev = devTopology();
const topology = { ...dev, nodes: dev.nodes.filter((n) => ["market", "node_1"].includes(n.name)) };
let network: FogNetwork;
let gatewayUrl: string;
let name: string;
let functionUrl: string;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

beforeAll(async () => {
  network = await launchFogNetwork(topology, { subnet: "127.79", processes: 1, logLevel: "error", iot: false });
  const placed = await putFunction(network.marketUrl, idOf(dev, "node_1"), slaBody({ functionLiveName: "echo-owned" }));
  expect(placed.status, JSON.stringify(placed.json)).toBe(200);
  const { sla, chosen } = placed.json;
  // the node deploys on its gateway and probes it with the launch's password: provisioning succeeds only with it
  const provision = await request(`${network.marketUrl}/api/function/${sla.id}`, { method: "POST", timeoutMs: 60_000 });
  expect(provision.status, provision.text()).toBe(200);
  gatewayUrl = network.nodes.find((n) => n.id === chosen.bid.nodeId)!.faasUrl!;
  name = `fogfn-${sla.id}`;
  functionUrl = `${gatewayUrl}/function/${name}`;
}, 120_000);

afterAll(async () => {
  await network?.stop();
});

const invoke = () => request(functionUrl, { method: "POST", body: "ping", timeoutMs: 10_000 });

describe("the embedded gateway's /system API", () => {
  it("hands the launch's caller a random password for user admin", () => {
    expect(network.gatewayAuth?.username).toBe("admin");
    expect(network.gatewayAuth?.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("answers a stranger's DELETE 401 with OpenFaaS's challenge, and the function keeps running", async () => {
    const { password } = network.gatewayAuth!;
    const attempts = {
      none: undefined,
      "wrong password": basic("admin", "guess"),
      "wrong user": basic("root", password),
      "password only": `Basic ${Buffer.from(password).toString("base64")}`,
      "bearer password": `Bearer ${password}`,
    };
    for (const [what, authorization] of Object.entries(attempts)) {
      const answer = await request(`${gatewayUrl}/system/functions`, {
        method: "DELETE",
        body: { functionName: name },
        headers: authorization === undefined ? {} : { authorization },
        timeoutMs: 10_000,
      });
      expect(answer.status, what).toBe(401);
      expect(answer.headers["www-authenticate"], what).toBe('Basic realm="Restricted"');
      expect(answer.text(), what).not.toContain(password);
    }
    const owner = new OpenFaasClient({ baseUrl: gatewayUrl, auth: network.gatewayAuth });
    expect((await owner.list()).map((f) => f.name)).toContain(name);
    const answer = await invoke();
    expect(answer.status).toBe(200);
    expect(answer.text()).toBe("ping");
  });

  it("refuses a stranger's listing (the names carry SLA ids) and deployment", async () => {
    const listing = await request(`${gatewayUrl}/system/functions`, { timeoutMs: 10_000 });
    expect(listing.status).toBe(401);
    expect(listing.text()).not.toContain(name);
    expect((await request(`${gatewayUrl}/system/function/${name}`, { timeoutMs: 10_000 })).status).toBe(401);
    const deploy = await request(`${gatewayUrl}/system/functions`, {
      method: "POST",
      body: { service: "intruder", image: "fn_echo" },
      timeoutMs: 10_000,
    });
    expect(deploy.status).toBe(401);
    const update = await request(`${gatewayUrl}/system/functions`, {
      method: "PUT",
      body: { service: name, image: "fn_echo" },
      timeoutMs: 10_000,
    });
    expect(update.status).toBe(401);
    expect((await invoke()).status).toBe(200);
  });

  it("deletes the function for whoever holds the password", async () => {
    const owner = new OpenFaasClient({ baseUrl: gatewayUrl, auth: network.gatewayAuth });
    await owner.delete(name);
    expect((await owner.list()).map((f) => f.name)).not.toContain(name);
    await waitUntil("the function to be gone", async () => (await invoke()).status === 404);
  });
});
