/**
 * The market's view of the fog tree (giraff.md §4.2): node id → parent, children and what clients need to reach
 * the node. Every change is checked against the tree's invariants (exactly one root, children exist, parent
 * pointers agree) and rolled back if it breaks one.
 *
 * Trust: the first registration of a node id binds it to a public key (or the key is pinned in advance by the
 * operator). Later registrations of that id must be signed with the same key and be newer than the last one.
 */
import { ProtocolError } from "../protocol/errors.ts";
import { registrationSigningText, type NodeRegistration } from "../protocol/messages.ts";
import { deriveBidKey, type AgreementKeys } from "../protocol/bid-mac.ts";
import { verifyText } from "../protocol/signing.ts";

export interface NodeRecord {
  id: string;
  parent: string | undefined;
  children: string[];
  ip: string;
  portHttp: string;
  portFaas: string;
  tags: string[];
  advertisedBandwidthBps: number;
  publicKey: string | undefined;
  /** The key of this node's bid MACs, agreed from its signed X25519 key (`bid-mac.ts`); undefined: Ed25519 bids. */
  bidKey: Buffer | undefined;
  registeredAt: number;
  lastSignedAt: number;
}

export interface RegistryOptions {
  /** Refuse registrations without a valid signature (default true). */
  requireSignatures?: boolean;
  /** Keys pinned by the operator: node id → public key. Registrations with another key are refused. */
  pinnedKeys?: ReadonlyMap<string, string>;
  /** The market's X25519 keys, to agree each node's bid MAC key; without them every bid is Ed25519-signed. */
  agreement?: AgreementKeys;
}

export class FogRegistry {
  readonly #nodes = new Map<string, NodeRecord>();
  readonly #requireSignatures: boolean;
  readonly #pinned: ReadonlyMap<string, string>;
  readonly #agreement: AgreementKeys | undefined;

  constructor(opts: RegistryOptions = {}) {
    this.#requireSignatures = opts.requireSignatures ?? true;
    this.#pinned = opts.pinnedKeys ?? new Map();
    this.#agreement = opts.agreement;
  }

  get size(): number {
    return this.#nodes.size;
  }

  get(id: string): NodeRecord | undefined {
    return this.#nodes.get(id);
  }

  nodes(): IterableIterator<NodeRecord> {
    return this.#nodes.values();
  }

  root(): NodeRecord | undefined {
    for (const n of this.#nodes.values()) if (n.parent === undefined) return n;
    return undefined;
  }

  /** Adds or updates a node. Throws ProtocolError (400/403/404/409) with the reason; the tree is then unchanged. */
  register(reg: NodeRegistration, now: number): NodeRecord {
    this.#checkTrust(reg);
    const previous = this.#nodes.get(reg.nodeId);
    if (reg.kind === "node" && reg.parent !== undefined && !this.#nodes.has(reg.parent)) {
      throw new ProtocolError({
        field: "node.parent",
        rule: "the id of a node already registered with the market",
        value: reg.parent,
        status: 404,
      });
    }
    const record: NodeRecord = {
      id: reg.nodeId,
      parent: reg.kind === "node" ? reg.parent : undefined,
      children: previous?.children ?? [],
      ip: reg.ip,
      portHttp: reg.portHttp,
      portFaas: reg.portFaas,
      tags: reg.tags,
      advertisedBandwidthBps: reg.advertisedBandwidthBps,
      publicKey: reg.publicKey ?? previous?.publicKey,
      // only a signed registration can set the key: its signature covers the agreement key
      bidKey:
        reg.agreementKey !== undefined && reg.signature !== undefined && this.#agreement !== undefined
          ? deriveBidKey(this.#agreement.privateKey, reg.agreementKey, reg.nodeId)
          : undefined,
      registeredAt: previous?.registeredAt ?? now,
      lastSignedAt: reg.signedAt ?? 0,
    };
    const snapshot = new Map([...this.#nodes].map(([k, v]) => [k, { ...v, children: [...v.children] }]));
    if (previous?.parent !== undefined && previous.parent !== record.parent) {
      const oldParent = this.#nodes.get(previous.parent);
      if (oldParent) oldParent.children = oldParent.children.filter((c) => c !== record.id);
    }
    this.#nodes.set(record.id, record);
    if (record.parent !== undefined) {
      const parent = this.#nodes.get(record.parent)!;
      if (!parent.children.includes(record.id)) parent.children.push(record.id);
    }
    const broken = this.#brokenInvariant();
    if (broken !== undefined) {
      this.#nodes.clear();
      for (const [k, v] of snapshot) this.#nodes.set(k, v);
      throw new ProtocolError({ field: reg.kind, rule: broken, value: reg.nodeId, status: 409 });
    }
    return record;
  }

  /** The MAC key of a node's bids, when it agreed one at registration. */
  bidKeyOf(id: string): Buffer | undefined {
    return this.#nodes.get(id)?.bidKey;
  }

  /** The public key a node registered with, for checking its bids and acceptances. */
  publicKeyOf(id: string): string | undefined {
    return this.#nodes.get(id)?.publicKey;
  }

  #checkTrust(reg: NodeRegistration): void {
    const known = this.#pinned.get(reg.nodeId) ?? this.#nodes.get(reg.nodeId)?.publicKey;
    if (!this.#requireSignatures && reg.signature === undefined) return;
    if (reg.publicKey === undefined || reg.signature === undefined || reg.signedAt === undefined) {
      throw new ProtocolError({
        field: `${reg.kind}.signature`,
        rule: "a registration signed by the node (public_key, signed_at and signature)",
        value: undefined,
        status: 401,
      });
    }
    if (known !== undefined && known !== reg.publicKey) {
      throw new ProtocolError({
        field: `${reg.kind}.public_key`,
        rule: `the key node ${reg.nodeId} is registered with`,
        value: `${reg.publicKey.slice(0, 24)}…`,
        status: 403,
      });
    }
    if (!verifyText(reg.publicKey, registrationSigningText(reg), reg.signature)) {
      throw new ProtocolError({
        field: `${reg.kind}.signature`,
        rule: "a valid Ed25519 signature of the registration by public_key",
        value: `${reg.signature.slice(0, 24)}…`,
        status: 403,
      });
    }
    const last = this.#nodes.get(reg.nodeId)?.lastSignedAt;
    if (last !== undefined && reg.signedAt < last) {
      throw new ProtocolError({
        field: `${reg.kind}.signed_at`,
        rule: `a time no older than the node's last registration (${last}): older ones are replays`,
        value: reg.signedAt,
        status: 409,
      });
    }
  }

  #brokenInvariant(): string | undefined {
    let roots = 0;
    for (const node of this.#nodes.values()) {
      if (node.parent === undefined) roots++;
      else if (this.#nodes.get(node.parent)?.children.includes(node.id) !== true) {
        return `a tree where ${node.id}'s parent lists it as a child`;
      }
      for (const child of node.children) {
        const c = this.#nodes.get(child);
        if (c === undefined) return `a tree where every child of ${node.id} exists`;
        if (c.parent !== node.id) return `a tree where ${child}'s parent pointer matches ${node.id}`;
      }
    }
    if (roots !== 1) return `a tree with exactly one root (this registration would make ${roots})`;
    return this.#cycle();
  }

  #cycle(): string | undefined {
    for (const node of this.#nodes.values()) {
      let cursor: NodeRecord | undefined = node;
      for (let steps = 0; cursor?.parent !== undefined; steps++) {
        if (steps > this.#nodes.size) return `a tree without cycles (${node.id} is its own ancestor)`;
        cursor = this.#nodes.get(cursor.parent);
      }
    }
    return undefined;
  }
}
