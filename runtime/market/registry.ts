/**
 * The market's view of the fog tree (giraff.md §4.2): node id → parent, children and what clients need to reach
 * the node. Every change keeps the tree's invariants (exactly one root, parents exist, parent and child pointers
 * agree, no cycle); a registration that would break one is refused and changes nothing.
 *
 * Trust: by default only the keys pinned by whoever started the nodes (the launcher, the Grid'5000 provider) may
 * register: a registration of any other node id, or with another key, is refused (403) before its signature is
 * even checked. An open market (`openRegistration`) also lets unknown nodes join: the first registration of a node
 * id then binds it to its key. Later registrations of an id must be signed with the same key and be newer.
 *
 * Cost: a registration costs O(depth) (the cycle check walks up from the new parent), never O(registry), and the
 * registry holds at most `maxNodes` nodes.
 */
import { ProtocolError } from "../protocol/errors.ts";
import { registrationSigningText, type NodeRegistration } from "../protocol/messages.ts";
import { deriveBidKey, type AgreementKeys } from "../protocol/bid-mac.ts";
import { verifyText } from "../protocol/signing.ts";

export interface NodeRecord {
  id: string;
  parent: string | undefined;
  /** Children ids, in registration order. */
  children: ReadonlySet<string>;
  ip: string;
  portHttp: string;
  portFaas: string;
  tags: string[];
  advertisedBandwidthBps: number;
  publicKey: string | undefined;
  /**
   * The node's market key: it MACs its bids, refusals and acknowledgements with it, and the market its calls for
   * bids, payments and provisionings; agreed from its signed X25519 key (`bid-mac.ts`). Undefined: Ed25519 bids.
   */
  bidKey: Buffer | undefined;
  registeredAt: number;
  lastSignedAt: number;
}

interface MutableRecord extends NodeRecord {
  children: Set<string>;
}

export interface RegistryOptions {
  /** Refuse registrations without a valid signature (default true). */
  requireSignatures?: boolean;
  /** Keys pinned by whoever started the nodes: node id → Ed25519 public key. Registrations with another key are refused. */
  pinnedKeys?: ReadonlyMap<string, string>;
  /** Also accept nodes whose key is not pinned (default false: only pinned keys register). */
  openRegistration?: boolean;
  /** The most nodes the registry holds (default 100,000); a registration beyond is refused (403). */
  maxNodes?: number;
  /** The market's X25519 keys, to agree each node's bid MAC key; without them every bid is Ed25519-signed. */
  agreement?: AgreementKeys;
}

export const DEFAULT_MAX_NODES = 100_000;

export class FogRegistry {
  readonly #nodes = new Map<string, MutableRecord>();
  readonly #requireSignatures: boolean;
  readonly #pinned: ReadonlyMap<string, string>;
  readonly #open: boolean;
  readonly #maxNodes: number;
  readonly #agreement: AgreementKeys | undefined;
  #root: string | undefined;

  constructor(opts: RegistryOptions = {}) {
    this.#requireSignatures = opts.requireSignatures ?? true;
    this.#pinned = opts.pinnedKeys ?? new Map();
    this.#open = opts.openRegistration ?? false;
    this.#maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
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
    return this.#root === undefined ? undefined : this.#nodes.get(this.#root);
  }

  /** Adds or updates a node. Throws ProtocolError (400/401/403/404/409) with the reason; the tree is then unchanged. */
  register(reg: NodeRegistration, now: number): NodeRecord {
    this.#checkTrust(reg);
    const previous = this.#nodes.get(reg.nodeId);
    const parent = reg.kind === "node" ? reg.parent : undefined;
    this.#checkPlace(reg, previous, parent);
    const record: MutableRecord = {
      id: reg.nodeId,
      parent,
      children: previous?.children ?? new Set(),
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
    if (previous?.parent !== undefined && previous.parent !== parent) {
      this.#nodes.get(previous.parent)?.children.delete(record.id);
    }
    this.#nodes.set(record.id, record);
    if (parent === undefined) this.#root = record.id;
    else this.#nodes.get(parent)!.children.add(record.id);
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

  /** Refuses, before any change, a registration that would break the tree: O(depth). */
  #checkPlace(reg: NodeRegistration, previous: MutableRecord | undefined, parent: string | undefined): void {
    if (previous === undefined && this.#nodes.size >= this.#maxNodes) {
      throw new ProtocolError({
        field: reg.kind,
        rule: `a registration while the market holds fewer than ${this.#maxNodes} nodes`,
        value: reg.nodeId,
        status: 403,
      });
    }
    if (parent === undefined) {
      if (this.#root !== undefined && this.#root !== reg.nodeId) {
        throw new ProtocolError({
          field: reg.kind,
          rule: `a tree with exactly one root (${this.#root} is the root)`,
          value: reg.nodeId,
          status: 409,
        });
      }
      if (previous?.parent !== undefined) {
        throw new ProtocolError({
          field: reg.kind,
          rule: "a tree with exactly one root (this node has a parent)",
          value: reg.nodeId,
          status: 409,
        });
      }
      return;
    }
    if (!this.#nodes.has(parent)) {
      throw new ProtocolError({
        field: "node.parent",
        rule: "the id of a node already registered with the market",
        value: parent,
        status: 404,
      });
    }
    if (this.#root === reg.nodeId) {
      throw new ProtocolError({
        field: reg.kind,
        rule: "a tree with exactly one root (the root cannot become a child)",
        value: reg.nodeId,
        status: 409,
      });
    }
    // a node re-registering under a new parent must not become its own ancestor
    for (let cursor: string | undefined = parent; cursor !== undefined; cursor = this.#nodes.get(cursor)?.parent) {
      if (cursor === reg.nodeId) {
        throw new ProtocolError({
          field: reg.kind,
          rule: `a tree without cycles (${reg.nodeId} would be its own ancestor)`,
          value: reg.nodeId,
          status: 409,
        });
      }
    }
  }

  #checkTrust(reg: NodeRegistration): void {
    const pinned = this.#pinned.get(reg.nodeId);
    if (pinned === undefined && !this.#open) {
      throw new ProtocolError({
        field: `${reg.kind}.node_id`,
        rule: "a node whose key is pinned at this market (registration is closed)",
        value: reg.nodeId,
        status: 403,
      });
    }
    const known = pinned ?? this.#nodes.get(reg.nodeId)?.publicKey;
    if (!this.#requireSignatures && reg.signature === undefined && pinned === undefined) return;
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
}
