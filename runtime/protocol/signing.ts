/**
 * Trust between owners: every fog node holds an Ed25519 key pair. It signs its registration, its bids and its
 * payment acknowledgements; the market checks each against the key the node registered with.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { importEd25519PrivateKey, importPublicKey } from "./raw-keys.ts";
import { generateAgreementKeys, type AgreementKeys } from "./bid-mac.ts";

export interface NodeKeys {
  /** SPKI DER, base64: what travels in the registration. */
  publicKey: string;
  privateKey: KeyObject;
  /** X25519 keys agreeing the bid MAC key with the market (see `bid-mac.ts`); fresh per start. */
  agreement: AgreementKeys;
}

export function generateNodeKeys(): NodeKeys {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    privateKey,
    agreement: generateAgreementKeys(),
  };
}

/** A fresh Ed25519 key: its PKCS#8 PEM (to hand to the process that runs the node) and its public key (to pin). */
export function generateNodeKeyPem(): { privateKeyPem: string; publicKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

/**
 * Loads keys from a PKCS#8 PEM private key (for nodes whose owners keep their key on disk). A caller that knows the
 * public half (the launcher pinned it) passes it, and the key imports about ten times faster (`raw-keys.ts`); a
 * public key that is not this key's half makes every signature fail, which the parent and the market refuse.
 */
export function nodeKeysFromPem(pem: string, knownPublicKey?: string): NodeKeys {
  const privateKey = importEd25519PrivateKey(pem, knownPublicKey);
  const publicKey =
    knownPublicKey ?? createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64");
  return { publicKey, privateKey, agreement: generateAgreementKeys() };
}

export function signText(keys: NodeKeys, text: string): string {
  return sign(null, Buffer.from(text), keys.privateKey).toString("base64");
}

const publicKeyCache = new Map<string, KeyObject>();

/** True when `signature` is a valid Ed25519 signature of `text` by `publicKey`; false for any malformed input. */
export function verifyText(publicKey: string, text: string, signature: string | undefined): boolean {
  if (signature === undefined) return false;
  try {
    let key = publicKeyCache.get(publicKey);
    if (key === undefined) {
      key = importPublicKey(publicKey);
      if (publicKeyCache.size > 100_000) publicKeyCache.clear();
      publicKeyCache.set(publicKey, key);
    }
    return verify(null, Buffer.from(text), key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
