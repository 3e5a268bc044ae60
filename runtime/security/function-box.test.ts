/**
 * A function's owner attacks the node that hosts it through its SLA: `NODE_OPTIONS=--import=data:…` ran the owner's
 * code before the function, as root, with the launcher's whole environment, and a function that never came up
 * held the market's `POST /api/function/<id>` for minutes. Real processes on loopback: the market, node workers,
 * embedded gateways and fixture functions (`runtime/faas/fixtures/functions`).
 */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchFogNetwork, type FogNetwork } from "../launcher/launch.ts";
import { request } from "../http/client.ts";
import { FUNCTION_PATH, passwdEntry } from "../faas/function-box.ts";
import { devTopology, idOf, putFunction, RUNTIME_ENV_ATTEMPTS, slaBody, type Json } from "../testing/fixtures.ts";
import { waitUntil } from "../testing/wait.ts";

const FIXTURES = fileURLToPath(new URL("../faas/fixtures/functions", import.meta.url));
const START_TIMEOUT_MS = 4000;
/** A variable of the launcher's environment that no function may see. */
const CANARY = "GIRAFF_BOX_TEST_CANARY";
const topology = devTopology();
const target = idOf(topology, "node_12");
let network: FogNetwork;

beforeAll(async () => {
  process.env[CANARY] = "the launcher's secret";
  network = await launchFogNetwork(topology, {
    subnet: "127.90",
    functionsDir: FIXTURES,
    functionStartTimeoutMs: START_TIMEOUT_MS,
    proxies: false,
    iot: false,
    logLevel: "error",
  });
});
afterAll(async () => {
  delete process.env[CANARY];
  await network?.stop();
});

/** Places `image` at node_12 and provisions it; the provisioning answer and how long it took. */
async function placeAndProvision(image: string, extra: Record<string, unknown> = {}) {
  const put = await putFunction(
    network.marketUrl,
    target,
    slaBody({ functionImage: image, functionLiveName: `box-${image}`, latencyMax: "5 s", duration: "30 s", ...extra }),
  );
  expect(put.status, JSON.stringify(put.json)).toBe(200);
  const started = performance.now();
  const provision = await request(`${network.marketUrl}/api/function/${put.json.sla.id}`, {
    method: "POST",
    timeoutMs: 130_000,
  });
  return { put: put.json, provision, ms: performance.now() - started };
}

describe("functions run in a box", () => {
  it("refuses at the market an SLA whose envVars configure the runtime or loader, naming the variable", async () => {
    const auctions = network.market.records.size;
    for (const name of RUNTIME_ENV_ATTEMPTS) {
      const value = name.toUpperCase() === "NODE_OPTIONS" ? "--import=data:text/javascript,process.exit(7)" : "x";
      const { status, json } = await putFunction(
        network.marketUrl,
        target,
        slaBody({
          envVars: [
            ["SEED", "1"],
            [name, value],
          ],
        }),
      );
      expect(status, name).toBe(400);
      expect(json.error.field).toBe("sla.envVars.1.0");
      expect(json.error.value).toBe(name);
      expect(json.error.message).toContain(name);
      expect(json.error.rule).toMatch(/does not change how the function's runtime or loader behaves/);
    }
    // refused at the edge: no auction ran, no node was asked
    expect(network.market.records.size).toBe(auctions);
  });

  it("starts a function with only the allow-list and its envVars, as an unprivileged user, in its own directory", async () => {
    const { put, provision } = await placeAndProvision("fn_env-dump", {
      envVars: [
        ["GREETING", "hello"],
        ["TZ", "UTC"],
      ],
      duration: "3 s",
    });
    expect(provision.status, provision.text()).toBe(200);
    const fn = `http://${put.chosen.ip}:${put.chosen.port}/function/fogfn-${put.sla.id}`;
    const seen: Json = (await request(fn, { method: "POST", body: "?", timeoutMs: 10_000 })).json();

    // the gateway's allow-list, the node's per-function variables (GIRAFF's contract), the SLA's envVars: no more
    expect(Object.keys(seen.env).sort()).toEqual(
      [
        ...["PATH", "HOME", "TMPDIR", "PORT", "HOST", "PROXY_PORT"],
        ...["SLA", "ID", "NAME", "GIRAFF_NODE_ID", "PRIVATE_IP", "PAID_AT"],
        ...["GREETING", "TZ"],
      ].sort(),
    );
    expect(seen.env.GREETING).toBe("hello");
    expect(seen.env.PATH).toBe(FUNCTION_PATH);
    expect(seen.env[CANARY]).toBeUndefined();

    // its own working directory, which is also its HOME and TMPDIR (tsx's cache included), not the repository
    expect(seen.cwd.startsWith(join(tmpdir(), "giraff-fn-"))).toBe(true);
    expect(seen.env.HOME).toBe(seen.cwd);
    expect(seen.env.TMPDIR).toBe(seen.cwd);

    const winner = network.nodes.find((n) => n.id === put.chosen.bid.nodeId)!;
    const { username, password } = network.gatewayAuth!;
    const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    const listed: Json[] = (
      await request(`${winner.faasUrl}/system/functions`, { headers: { authorization }, timeoutMs: 10_000 })
    ).json() as Json[];
    const status = listed.find((f) => f.name === `fogfn-${put.sla.id}`);
    if (process.getuid?.() === 0) {
      const nobody = passwdEntry(readFileSync("/etc/passwd", "utf8"), "nobody")!;
      expect({ uid: seen.uid, gid: seen.gid }).toEqual(nobody);
      expect(status.process.user).toBe("nobody");
    } else {
      expect(seen.uid).toBe(process.getuid?.());
    }

    // the directory goes with the function when its reservation ends
    await waitUntil("the function's working directory to be removed", () => !existsSync(seen.cwd), {
      timeoutMs: 30_000,
    });
  });

  it("fails the provisioning of a function that never reports a port, with the reason, within its start timeout", async () => {
    const { provision, ms } = await placeAndProvision("fn_never-listens");
    expect(provision.status).toBe(502);
    const message: string = (provision.json() as Json).error.message;
    expect(message).toMatch(/did not become live/);
    expect(message).toContain(`did not report a port within ${START_TIMEOUT_MS} ms`);
    // the start timeout, one backoff step of the liveness probe (at most 5 s) and the calls around them
    expect(ms).toBeLessThan(START_TIMEOUT_MS + 15_000);
  });

  it("fails the provisioning of a function that exits at start-up at once, with its exit code and output", async () => {
    const { provision, ms } = await placeAndProvision("fn_crash");
    expect(provision.status).toBe(502);
    const message: string = (provision.json() as Json).error.message;
    expect(message).toMatch(/exited unexpectedly with code 3/);
    expect(message).toContain("crash fixture: missing model file");
    // before: the liveness probe polled a failed function until its 120 s timeout
    expect(ms).toBeLessThan(15_000);
  });
});
