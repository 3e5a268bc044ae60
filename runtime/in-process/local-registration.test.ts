/**
 * Registrations between nodes of one process go in-process (`LocalPeer.register`), over the emulated link, and are
 * answered exactly as the parent's HTTP route answers: a child registers through its co-located parent without a
 * request to the parent's server, and a forged registration gets the same 403 body either way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { startMarket, type RunningMarket } from "../market/market.ts";
import { startNode, type RunningNode } from "../node/agent.ts";
import { formatRegistration, registrationSigningText, type NodeRegistration } from "../protocol/messages.ts";
import { generateNodeKeys, signText } from "../protocol/signing.ts";
import { testNodeSpec } from "../testing/market-root.ts";
import { LocalPeerDirectory, type LocalAnswer, type LocalPeer } from "./local-peers.ts";

/** A directory that counts the registrations its peers take in-process. */
class CountingDirectory extends LocalPeerDirectory {
  registrations = 0;
  override add(url: string, peer: LocalPeer): void {
    const register = peer.register?.bind(peer);
    super.add(url, {
      ...peer,
      alive: () => peer.alive(),
      ...(register === undefined
        ? {}
        : {
            register: (body: unknown): Promise<LocalAnswer> => {
              this.registrations += 1;
              return register(body);
            },
          }),
    });
  }
}

const rootKeys = generateNodeKeys();
const childKeys = generateNodeKeys();
const strangerKeys = generateNodeKeys();
const peers = new CountingDirectory();
let market: RunningMarket;
let root: RunningNode;
let child: RunningNode;

beforeAll(async () => {
  market = await startMarket({
    host: "127.0.0.1",
    port: 0,
    pinnedKeys: new Map([
      ["root", rootKeys.publicKey],
      ["child", childKeys.publicKey],
    ]),
  });
  root = await startNode(testNodeSpec("root", "127.0.0.1", { kind: "market", marketUrl: market.url }), {
    faas: undefined,
    keys: rootKeys,
    peers,
  });
  await root.registered;
  child = await startNode(testNodeSpec("child", "127.0.0.1", { kind: "node", parentId: "root", parentUrl: root.url }), {
    faas: undefined,
    keys: childKeys,
    peers,
    linkTo: () => ({ delayMs: 5 }),
  });
  await child.registered;
}, 30_000);

afterAll(async () => {
  await child?.close();
  await root?.close();
  await market?.close();
});

describe("registration between co-located nodes", () => {
  it("goes through the parent in-process, and the market records the child under it", () => {
    expect(peers.registrations).toBe(1);
    expect(child.status().registered).toBe(true);
    expect(market.registry.size).toBe(2);
    expect(root.status().neighbours.map((n) => n.id)).toContain("child");
  });

  it("answers a forged registration as the parent's HTTP route does: 403 naming the signature", async () => {
    const unsigned: NodeRegistration = {
      kind: "node",
      parent: "root",
      nodeId: "child",
      ip: "127.0.0.1",
      portHttp: "1",
      portFaas: "1",
      tags: [],
      advertisedBandwidthBps: 1e9,
      publicKey: childKeys.publicKey, // the child's key, signed by a stranger
      agreementKey: strangerKeys.agreement.publicKey,
      signedAt: Date.now(),
    };
    const forged = formatRegistration({
      ...unsigned,
      signature: signText(strangerKeys, registrationSigningText(unsigned)),
    });
    const viaHttp = await request(`${root.url}/api/register`, { method: "POST", body: forged, timeoutMs: 10_000 });
    const local = await peers.lookup(root.url)!.register!(forged);
    expect(viaHttp.status).toBe(403);
    expect(local).toEqual({ status: 403, json: viaHttp.json(), retryAfter: undefined });
    expect(JSON.stringify(local.json)).toContain("node.signature");
  });
});
