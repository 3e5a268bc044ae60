/**
 * Importing the runtime's Ed25519 and X25519 keys fast. Keys travel as SPKI DER (public) and PKCS#8 (private), and
 * OpenSSL 3 decodes those through its generic decoder: about 100 µs a public key and 400 µs a private one here,
 * which made key parsing the largest cost of registering 10,000 nodes. For these two curves SPKI is a fixed
 * 12-byte header around the raw 32-byte key, so the raw key is imported as a JWK instead (about 13 µs), which
 * Node hands to OpenSSL's raw-key constructor. Anything that is not exactly such a key takes the generic path, so
 * malformed input fails as it always did.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

const SPKI_HEADERS = {
  Ed25519: Buffer.from("302a300506032b6570032100", "hex"),
  X25519: Buffer.from("302a300506032b656e032100", "hex"),
} as const;
const PKCS8_ED25519_HEADER = Buffer.from("302e020100300506032b657004220420", "hex");
const RAW_KEY_BYTES = 32;

/** A public key from its SPKI DER in base64; throws on malformed input, as `createPublicKey` does. */
export function importPublicKey(spkiBase64: string): KeyObject {
  const der = Buffer.from(spkiBase64, "base64");
  for (const crv of ["Ed25519", "X25519"] as const) {
    const header = SPKI_HEADERS[crv];
    if (der.length === header.length + RAW_KEY_BYTES && der.subarray(0, header.length).equals(header)) {
      const x = der.subarray(header.length).toString("base64url");
      return createPublicKey({ key: { kty: "OKP", crv, x }, format: "jwk" });
    }
  }
  return createPublicKey({ key: der, format: "der", type: "spki" });
}

/**
 * An Ed25519 private key from its PKCS#8 PEM, given its public key (SPKI DER, base64) when the caller knows it:
 * the fast path needs both halves. Without the public key, or for another PEM, OpenSSL decodes it.
 */
export function importEd25519PrivateKey(pem: string, spkiBase64?: string): KeyObject {
  const body = /^-----BEGIN PRIVATE KEY-----\s+([A-Za-z0-9+/=\s]+?)\s+-----END PRIVATE KEY-----\s*$/.exec(pem)?.[1];
  const der = body === undefined ? undefined : Buffer.from(body.replace(/\s+/g, ""), "base64");
  const publicDer = spkiBase64 === undefined ? undefined : Buffer.from(spkiBase64, "base64");
  const header = SPKI_HEADERS.Ed25519;
  if (
    der !== undefined &&
    publicDer !== undefined &&
    der.length === PKCS8_ED25519_HEADER.length + RAW_KEY_BYTES &&
    der.subarray(0, PKCS8_ED25519_HEADER.length).equals(PKCS8_ED25519_HEADER) &&
    publicDer.length === header.length + RAW_KEY_BYTES &&
    publicDer.subarray(0, header.length).equals(header)
  ) {
    const d = der.subarray(PKCS8_ED25519_HEADER.length).toString("base64url");
    const x = publicDer.subarray(header.length).toString("base64url");
    return createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x }, format: "jwk" });
  }
  return createPrivateKey(pem);
}
