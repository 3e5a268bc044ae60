/**
 * Authentication of a node's control endpoints: calls for bids, payments, provisioning, and the refusals a node
 * reports. Each message carries an HMAC-SHA256 (`bid-mac.ts`) under a key only its two ends hold:
 *
 *   market ↔ node:      the node's market key, agreed by X25519 at registration (the key its bids are MAC'd with)
 *   parent ↔ child:     a link key, agreed by X25519 when the child registers through its parent:
 *                       HKDF-SHA256(X25519(own private, other public), salt "giraff-ts link mac v1", "parent\nchild")
 *
 * The texts below are what is MAC'd: each starts with its purpose, so a MAC made for one message never checks for
 * another, and is a JSON array, so no field can borrow characters from the next. A call for bids binds its sender
 * and receiver, the SLA (its wire form), the accumulated latency and the budget; a payment and a provisioning bind
 * the SLA id, the node, the bid id and the price; a refusal binds who reports it, about which node, and why.
 *
 * Checking is a pure function of the message and a key. {@link HMAC_AUTH} is what every process uses;
 * {@link NO_AUTH} trusts every message and MACs none, and exists only so the benchmark can measure what
 * authentication costs in the same run (it is injected in code, never chosen by a flag or a setting).
 */
import { diffieHellman, hkdfSync, type KeyObject } from "node:crypto";
import { importPublicKey } from "./raw-keys.ts";
import { macText, verifyMac } from "./bid-mac.ts";
import { formatAccumulatedLatency, formatSla, type BidRequest, type Refusal, type Sla } from "./messages.ts";

export interface EndpointAuth {
  readonly name: "hmac" | "none";
  /** The MAC of `text()` under `key`; undefined when there is no key (or no authentication). */
  mac(key: Buffer | undefined, text: () => string): string | undefined;
  /** True when `mac` is the MAC of `text()` under `key`; false without a key or a MAC. */
  verify(key: Buffer | undefined, text: () => string, mac: string | undefined): boolean;
}

export const HMAC_AUTH: EndpointAuth = Object.freeze({
  name: "hmac" as const,
  mac: (key: Buffer | undefined, text: () => string) => (key === undefined ? undefined : macText(key, text())),
  verify: (key: Buffer | undefined, text: () => string, mac: string | undefined) =>
    key !== undefined && mac !== undefined && verifyMac(key, text(), mac),
});

/** Benchmark only: every message is trusted, none is MAC'd. */
export const NO_AUTH: EndpointAuth = Object.freeze({
  name: "none" as const,
  mac: () => undefined,
  verify: () => true,
});

export const ENDPOINT_AUTH = { hmac: HMAC_AUTH, none: NO_AUTH } as const;

const LINK_SALT = Buffer.from("giraff-ts link mac v1");

/** The key of the link between `parentId` and `childId`, from one end's X25519 private key and the other's public key. */
export function deriveLinkKey(
  own: KeyObject,
  otherPublicKey: string,
  parentId: string,
  childId: string,
): Buffer | undefined {
  try {
    const publicKey = importPublicKey(otherPublicKey);
    if (publicKey.asymmetricKeyType !== "x25519") return undefined;
    const shared = diffieHellman({ privateKey: own, publicKey });
    return Buffer.from(hkdfSync("sha256", shared, LINK_SALT, Buffer.from(`${parentId}\n${childId}`), 32));
  } catch {
    return undefined;
  }
}

/** The wire form of an SLA as one string, computed once per SLA object (a flood carries one object per process). */
const slaTexts = new WeakMap<Sla, string>();
function slaText(sla: Sla): string {
  let text = slaTexts.get(sla);
  if (text === undefined) {
    text = JSON.stringify(formatSla(sla));
    slaTexts.set(sla, text);
  }
  return text;
}

/**
 * What the sender of a call for bids MACs: `to` is the receiving node (the market calls the target with
 * `nodeOrigin` = the target's own id; a node forwards with its own id as `nodeOrigin`).
 */
export function callSigningText(to: string, request: BidRequest): string {
  const acc = formatAccumulatedLatency(request.accumulatedLatency);
  return JSON.stringify([
    "giraff-call",
    to,
    request.nodeOrigin,
    request.budgetMs ?? null,
    request.nbPropositionsRequired ?? null,
    acc.median,
    acc.average,
    acc.medianUncertainty,
    acc.packetLoss,
    acc.bandwidth,
    slaText(request.sla),
  ]);
}

/** What the market MACs when it pays a node (`POST /api/accept/{slaId}`). */
export function paymentSigningText(slaId: string, nodeId: string, bidId: string, price: number): string {
  return JSON.stringify(["giraff-pay", slaId, nodeId, bidId, price]);
}

/** What the market MACs when it asks the winner to provision (`POST /api/provision/{slaId}`). */
export function provisionSigningText(slaId: string, nodeId: string, bidId: string, price: number): string {
  return JSON.stringify(["giraff-provision", slaId, nodeId, bidId, price]);
}

/** What the reporting node (`by`, the node itself when absent) MACs for a refusal in an auction. */
export function refusalSigningText(slaId: string, refusal: Refusal): string {
  return JSON.stringify([
    "giraff-refusal",
    slaId,
    refusal.by ?? refusal.nodeId,
    refusal.nodeId,
    refusal.reason,
    refusal.detail ?? null,
  ]);
}
