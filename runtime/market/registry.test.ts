import { describe, expect, it } from "vitest";
import { ProtocolError } from "../protocol/errors.ts";
import { registrationSigningText, type NodeRegistration } from "../protocol/messages.ts";
import { generateNodeKeys, signText, type NodeKeys } from "../protocol/signing.ts";
import { FogRegistry } from "./registry.ts";

const keys = new Map<string, NodeKeys>();
const keyOf = (id: string) => keys.get(id) ?? keys.set(id, generateNodeKeys()).get(id)!;

function reg(nodeId: string, parent: string | undefined, signedAt = 1): NodeRegistration {
  const k = keyOf(nodeId);
  const unsigned: NodeRegistration = {
    kind: parent === undefined ? "marketNode" : "node",
    parent,
    nodeId,
    ip: "127.0.0.1",
    portHttp: "1",
    portFaas: "2",
    tags: [],
    advertisedBandwidthBps: 1e9,
    publicKey: k.publicKey,
    signedAt,
  };
  return { ...unsigned, signature: signText(k, registrationSigningText(unsigned)) };
}

function refused(registry: FogRegistry, r: NodeRegistration, status: number): void {
  try {
    registry.register(r, 0);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).status).toBe(status);
    return;
  }
  throw new Error(`registration of ${r.nodeId} was accepted`);
}

describe("FogRegistry", () => {
  it("takes only pinned keys unless open", () => {
    const closed = new FogRegistry({ pinnedKeys: new Map([["root", keyOf("root").publicKey]]) });
    closed.register(reg("root", undefined), 0);
    refused(closed, reg("stranger", "root"), 403);
    const open = new FogRegistry({ openRegistration: true });
    open.register(reg("root", undefined), 0);
    open.register(reg("stranger", "root"), 0);
    expect(open.get("root")!.children).toEqual(new Set(["stranger"]));
  });

  it("keeps one root, no cycle, known parents, and at most maxNodes nodes; a refusal changes nothing", () => {
    const registry = new FogRegistry({ openRegistration: true, maxNodes: 4 });
    registry.register(reg("a", undefined), 0);
    registry.register(reg("b", "a"), 0);
    registry.register(reg("c", "b"), 0);
    refused(registry, reg("z", undefined), 409);
    refused(registry, reg("y", "nowhere"), 404);
    refused(registry, reg("b", "c", 2), 409); // b under its own child
    refused(registry, reg("a", "c", 2), 409); // the root under a child
    registry.register(reg("d", "a"), 0);
    refused(registry, reg("e", "a"), 403); // full
    // moving a node keeps the pointers in step
    registry.register(reg("c", "d", 3), 0);
    expect(registry.get("b")!.children).toEqual(new Set());
    expect(registry.get("d")!.children).toEqual(new Set(["c"]));
    expect(registry.root()!.id).toBe("a");
    expect(registry.size).toBe(4);
  });
});
