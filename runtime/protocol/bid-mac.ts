/**
 * Cheap authentication of bids. A flood makes every node it reaches bid, and the market checks every bid: an
 * Ed25519 signature costs ≈ 50 µs to make and ≈ 90 µs to check, which caps a 50-node network at a few dozen
 * auctions per second. So bids carry an HMAC-SHA256 (≈ 2 µs each way) under a key only the node and the market
 * hold, agreed once at registration:
 *
 *   node: X25519 key pair; its public half travels in the Ed25519-signed registration (a relay cannot swap it)
 *   market: X25519 key pair; its public half comes back in the answer to the registration
 *   both: key = HKDF-SHA256(X25519(own private, other public), salt "giraff-ts bid mac v1", info node id)
 *
 * A relay that swapped the market's half in the answer would only make the node's bids fail the check (it could
 * drop them anyway); it cannot learn the key. Registrations and payment acknowledgements stay Ed25519-signed;
 * nodes that do not take part (GIRAFF's own, or ones registered without an agreement key) sign bids with Ed25519.
 */
import { createHmac, diffieHellman, generateKeyPairSync, hkdfSync, timingSafeEqual, type KeyObject } from "node:crypto";
import { importPublicKey } from "./raw-keys.ts";

export interface AgreementKeys {
  /** X25519 public key, SPKI DER, base64. */
  publicKey: string;
  privateKey: KeyObject;
}

export function generateAgreementKeys(): AgreementKeys {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"), privateKey };
}

const SALT = Buffer.from("giraff-ts bid mac v1");

/** The bid key of `nodeId`, from one side's private key and the other side's public key; undefined if malformed. */
export function deriveBidKey(own: KeyObject, otherPublicKey: string, nodeId: string): Buffer | undefined {
  try {
    const publicKey = importPublicKey(otherPublicKey);
    if (publicKey.asymmetricKeyType !== "x25519") return undefined;
    const shared = diffieHellman({ privateKey: own, publicKey });
    return Buffer.from(hkdfSync("sha256", shared, SALT, Buffer.from(nodeId), 32));
  } catch {
    return undefined;
  }
}

/** HMAC-SHA256 of `text`, base64url. */
export function macText(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}

/** True when `mac` is the MAC of `text` under `key`, compared in constant time; false for malformed input. */
export function verifyMac(key: Buffer, text: string, mac: string | undefined): boolean {
  if (mac === undefined) return false;
  const expected = createHmac("sha256", key).update(text).digest();
  const given = Buffer.from(mac, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
