/**
 * Clients' data is theirs. Two clients place functions with secrets in their `envVars`; a stranger reads the
 * market's public listings and tries to provision, or read the auction of, an SLA that is not hers. The network is
 * `npm run runtime` as a user starts it (a real process on loopback), and the operator token is read where its
 * operator reads it: on the launcher's stdout.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { devTopology, idOf, putFunction, slaBody, type Json } from "../testing/fixtures.ts";
import { startCliProcess, type CliProcess } from "../testing/cli-process.ts";
import { waitUntil } from "../testing/wait.ts";

const CLI = fileURLToPath(new URL("../launcher/cli.ts", import.meta.url));
const V4_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const scratch = mkdtempSync(join(tmpdir(), "giraff-client-data-"));
const dev = devTopology();
// the root and one child: enough for two clients, quick to start
const topology = { ...dev, nodes: dev.nodes.filter((n) => ["market", "node_1"].includes(n.name)) };
const target = idOf(dev, "node_1");

let launcher: CliProcess;
let marketUrl: string;
let operatorToken: string;
const clients = {
  alice: { secret: "alice-api-key-0d6f", id: "" },
  bob: { secret: "bob-api-key-93a1", id: "" },
};

beforeAll(async () => {
  const file = join(scratch, "topology.json");
  writeFileSync(file, JSON.stringify(topology));
  const args = ["--topology", file, "--subnet", "127.78", "--no-faas", "--in-process"];
  launcher = startCliProcess(CLI, args);
  [marketUrl, operatorToken] = await waitUntil(
    "the market URL and the operator token on the launcher's stdout",
    () => {
      const url = /^(http:\/\/\S+)$/m.exec(launcher.out())?.[1];
      const token = /^operator token: (\S+)$/m.exec(launcher.out())?.[1];
      return url !== undefined && token !== undefined && ([url, token] as const);
    },
    { timeoutMs: 60_000 },
  );
  for (const [name, client] of Object.entries(clients)) {
    const sla = slaBody({
      functionLiveName: `fn-${name}`,
      envVars: [["API_KEY", client.secret]],
      envProcess: `serve --key ${client.secret}`,
    });
    const placed = await putFunction(marketUrl, target, sla);
    expect(placed.status, JSON.stringify(placed.json)).toBe(200);
    client.id = placed.json.sla.id;
  }
}, 90_000);

afterAll(async () => {
  launcher.child.kill("SIGTERM");
  expect((await launcher.exited).code, launcher.err()).toBe(0);
  rmSync(scratch, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) =>
  request(`${marketUrl}${path}`, { headers, timeoutMs: 10_000 });
const asOperator = () => ({ authorization: `Bearer ${operatorToken}` });

describe("clients' data at the market", () => {
  it("prints a fresh 256-bit operator token at launch, and gives every SLA a random v4 UUID (122 bits)", () => {
    expect(operatorToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const client of Object.values(clients)) expect(client.id).toMatch(V4_UUID);
  });

  it.each(["/api/fog", "/api/functions"])(
    "%s without the token lists the placements but no SLA id, envVars or envProcess",
    async (path) => {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      const text = answer.text();
      for (const client of Object.values(clients)) {
        expect(text).not.toContain(client.id);
        expect(text).not.toContain(client.secret);
      }
      expect(text).not.toMatch(/envVars|envProcess/);
      // what the market shows everyone: which node hosts what, at what price
      const bids = acceptedBidsOf(path, answer.json());
      expect(bids.map((b) => b.sla.functionLiveName).sort()).toEqual(["fn-alice", "fn-bob"]);
      for (const b of bids) expect(b.chosen.bid.nodeId).toBeTypeOf("string");
    },
  );

  it.each(["/api/fog", "/api/functions"])("%s with the operator token shows everything", async (path) => {
    const answer = await get(path, asOperator());
    expect(answer.status).toBe(200);
    const bids = acceptedBidsOf(path, answer.json());
    const byId = new Map(bids.map((b) => [b.sla.id, b.sla]));
    for (const client of Object.values(clients)) {
      expect(byId.get(client.id)).toMatchObject({
        envVars: [["API_KEY", client.secret]],
        envProcess: `serve --key ${client.secret}`,
      });
    }
  });

  it("answers a wrong token 401 with a Bearer challenge, never echoing it", async () => {
    for (const authorization of ["Bearer not-the-token", `Bearer ${operatorToken}x`, `Basic ${operatorToken}`]) {
      const answer = await get("/api/fog", { authorization });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
      expect((answer.json() as Json).error.field).toBe("authorization");
      expect(answer.text()).not.toContain(operatorToken);
    }
  });

  it("lets nobody provision or read an SLA without its id: guesses are 404, the holder's id works", async () => {
    const bob = clients.bob.id;
    // a stranger's guesses: fresh random ids, and ids one character away from the one she holds
    const guesses = [
      ...Array.from({ length: 20 }, () => randomUUID()),
      ...[...bob].flatMap((c, i) =>
        /[0-9a-f]/.test(c) && i % 6 === 0 ? [bob.slice(0, i) + flip(c) + bob.slice(i + 1)] : [],
      ),
    ];
    for (const guess of guesses) {
      const provision = await request(`${marketUrl}/api/function/${guess}`, { method: "POST", timeoutMs: 10_000 });
      expect(provision.status, guess).toBe(404);
      expect((await get(`/api/auctions/${guess}`)).status, guess).toBe(404);
    }
    // the id is the capability: its holder provisions and reads her auction, as GIRAFF's clients do
    const alice = clients.alice.id;
    const provision = await request(`${marketUrl}/api/function/${alice}`, { method: "POST", timeoutMs: 30_000 });
    expect(provision.status, provision.text()).toBe(200);
    const auction: Json = (await get(`/api/auctions/${alice}`)).json();
    expect(auction).toMatchObject({ slaId: alice, outcome: "awarded", functionName: "fn-alice" });
  });
});

/** Every `AcceptedBid` of a listing: `/api/fog` nests them per node by bid id, `/api/functions` lists them per node. */
function acceptedBidsOf(path: string, listing: Json): Json[] {
  if (path === "/api/fog") return listing.flatMap((node: Json) => Object.values(node.acceptedBids));
  return Object.values(listing).flat();
}

const flip = (hexDigit: string) => (parseInt(hexDigit, 16) ^ 1).toString(16);
