/**
 * The VM entry points (`runtime/{market,node,proxy,iot}/cli.ts`) as real processes on loopback, configured by the
 * environment as the Grid'5000 provider configures them: a market, two fog nodes with embedded gateways, a proxy
 * and the IoT emulator form a working network; bad settings exit 2 with a sentence naming the variable; SIGTERM
 * stops each one cleanly.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { metricEventSchema } from "../protocol/events.ts";
import { generateNodeKeyPem } from "../protocol/signing.ts";
import { DEV_TOPOLOGY_PATH, devTopology, getJson, idOf, putFunction } from "../testing/fixtures.ts";
import { startCliProcess, type CliProcess } from "../testing/cli-process.ts";
import { waitUntil } from "../testing/wait.ts";

const RUNTIME = fileURLToPath(new URL("../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "giraff-vm-cli-"));
const children: CliProcess["child"][] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

interface Started {
  child: CliProcess["child"];
  exited: Promise<number | null>;
  err: () => string;
  out: () => string;
}

function start(cli: string, env: Record<string, string>, args: string[] = []): Started {
  const started = startCliProcess(join(RUNTIME, cli), args, { env: { GIRAFF_LOG_LEVEL: "warn", ...env } });
  children.push(started.child);
  return { ...started, exited: started.exited.then(({ code }) => code) };
}

const ready = (name: string) => join(scratch, "ready", name);
const events = (name: string) => join(scratch, "events", `${name}.jsonl`);

describe("VM entry points", () => {
  it("start a working network from the environment and stop on SIGTERM", async () => {
    const topology = devTopology();
    const root = idOf(topology, "market");
    const child = idOf(topology, "node_1");
    const common = { GIRAFF_RUN: "cli-test", GIRAFF_STRATEGY: "auction" };
    // as the Grid'5000 provider does: a key file per node, and their public keys pinned at the market
    const keys = new Map([root, child].map((id) => [id, generateNodeKeyPem()]));
    for (const [id, key] of keys) writeFileSync(join(scratch, `${id}.pem`), key.privateKeyPem, { mode: 0o600 });
    const pinned = join(scratch, "pinned-keys.json");
    writeFileSync(pinned, JSON.stringify(Object.fromEntries([...keys].map(([id, k]) => [id, k.publicKey]))));
    const node = (id: string, ip: string, name: string, extra: Record<string, string>) =>
      start("node/cli.ts", {
        GIRAFF_NODE_KEY_FILE: join(scratch, `${id}.pem`),
        ...common,
        GIRAFF_TOPOLOGY: DEV_TOPOLOGY_PATH,
        GIRAFF_NODE_ID: id,
        GIRAFF_NODE_IP: ip,
        GIRAFF_FAAS: "embedded",
        GIRAFF_LOGS_DIR: join(scratch, "logs", name),
        GIRAFF_EVENTS: events(`node-${name}`),
        GIRAFF_READY_FILE: ready(`node-${name}`),
        ...extra,
      });
    const processes = [
      start("market/cli.ts", {
        ...common,
        GIRAFF_MARKET_HOST: "127.141.0.254",
        GIRAFF_MARKET_PINNED_KEYS_FILE: pinned,
        GIRAFF_EVENTS: events("market"),
        GIRAFF_READY_FILE: ready("market"),
      }),
      node(root, "127.141.0.1", "market", { GIRAFF_MARKET_URL: "http://127.141.0.254:30008" }),
      node(child, "127.141.0.2", "node_1", { GIRAFF_PARENT_URL: "http://127.141.0.1:30003" }),
      start("proxy/cli.ts", {
        ...common,
        GIRAFF_PROXY_HOST: "127.141.0.2",
        GIRAFF_NODE_NAME: "node_1",
        GIRAFF_EVENTS: events("proxy-node_1"),
        GIRAFF_READY_FILE: ready("proxy-node_1"),
      }),
      start("iot/cli.ts", {
        ...common,
        GIRAFF_IOT_HOST: "127.141.0.253",
        GIRAFF_EVENTS: events("iot"),
        GIRAFF_READY_FILE: ready("iot"),
      }),
    ];
    for (const name of ["market", "node-market", "node-node_1", "proxy-node_1", "iot"]) {
      await waitUntil(`${name} to be ready`, () => existsSync(ready(name)), { timeoutMs: 60_000 });
    }
    expect(readFileSync(ready("market"), "utf8").trim()).toBe("http://127.141.0.254:30008");
    const marketUrl = "http://127.141.0.254:30008";
    await waitUntil("both nodes to register", async () => (await getJson(`${marketUrl}/api/fog`)).length === 2, {
      timeoutMs: 60_000,
    });
    const placed = await putFunction(marketUrl, child);
    expect(placed.status, JSON.stringify(placed.json)).toBe(200);
    expect(await getJson("http://127.141.0.253:3003/api/jobs")).toEqual({ jobs: [] });

    for (const p of processes) p.child.kill("SIGTERM");
    for (const p of processes) expect(await p.exited, p.err()).toBe(0);
    const lines = readFileSync(events("market"), "utf8").trim().split("\n");
    const kinds = lines.map((l) => metricEventSchema.parse(JSON.parse(l)).kind);
    expect(kinds).toContain("auction_result");
    expect(existsSync(events("node-node_1"))).toBe(true);
  }, 180_000);

  it.each([
    ["market/cli.ts", { GIRAFF_MARKET_PORT: "70000" }, /`GIRAFF_MARKET_PORT` to be a port/],
    ["market/cli.ts", { GIRAFF_STRATEGY: "cheapest" }, /cheapest/],
    ["market/cli.ts", { GIRAFF_MARKET_PINNED_KEYS_FILE: "/nonexistent.json" }, /`GIRAFF_MARKET_PINNED_KEYS_FILE`/],
    ["proxy/cli.ts", { GIRAFF_PROXY_HOST: "localhost" }, /`GIRAFF_PROXY_HOST` to be an IPv4 address/],
    ["iot/cli.ts", { GIRAFF_PROXY_PORT: "x" }, /`GIRAFF_PROXY_PORT`/],
    ["node/cli.ts", {}, /`GIRAFF_TOPOLOGY` is required/],
    ["node/cli.ts", { GIRAFF_TOPOLOGY: DEV_TOPOLOGY_PATH, GIRAFF_NODE_ID: "nope" }, /`GIRAFF_NODE_ID` "nope"/],
    [
      "node/cli.ts",
      {
        GIRAFF_TOPOLOGY: DEV_TOPOLOGY_PATH,
        GIRAFF_NODE_ID: idOf(devTopology(), "node_1"),
        GIRAFF_NODE_IP: "127.141.1.1",
      },
      /`GIRAFF_PARENT_URL` is required/,
    ],
  ])(
    "%s exits 2 naming the variable for %j",
    async (cli, env, message) => {
      const p = start(cli, env);
      expect(await p.exited).toBe(2);
      expect(p.err()).toMatch(message);
    },
    60_000,
  );

  it.each(["market/cli.ts", "node/cli.ts", "proxy/cli.ts", "iot/cli.ts"])(
    "%s answers --help with its variables, and exits 2 on an argument",
    async (cli) => {
      const help = start(cli, {}, ["--help"]);
      expect(await help.exited).toBe(0);
      expect(help.out()).toMatch(/^Usage: node --import tsx runtime\/\w+\/cli.ts[\s\S]*GIRAFF_EVENTS/);
      const bad = start(cli, {}, ["--port", "1"]);
      expect(await bad.exited).toBe(2);
      expect(bad.err()).toMatch(/^Unknown option '--port'[\s\S]*\n\nUsage: /);
    },
    60_000,
  );
});
