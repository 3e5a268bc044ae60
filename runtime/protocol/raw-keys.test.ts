import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importEd25519PrivateKey, importPublicKey } from "./raw-keys.ts";

const spki = (k: { export(o: { type: "spki"; format: "der" }): Buffer }) =>
  k.export({ type: "spki", format: "der" }).toString("base64");

describe("importPublicKey", () => {
  it("imports Ed25519 and X25519 SPKI keys as the same keys the generic decoder gives", () => {
    for (const type of ["ed25519", "x25519"] as const) {
      const { publicKey } = generateKeyPairSync(type as "ed25519");
      const imported = importPublicKey(spki(publicKey));
      expect(imported.asymmetricKeyType).toBe(type);
      expect(imported.equals(publicKey)).toBe(true);
    }
  });

  it("leaves other keys and malformed input to the generic decoder, which accepts or refuses them as before", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(importPublicKey(spki(publicKey)).asymmetricKeyType).toBe("ec");
    expect(() => importPublicKey("AAAA")).toThrow();
    // an Ed25519 header around 31 bytes: not the fixed shape, so decoded (and refused) by OpenSSL
    const short = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.alloc(31)]);
    expect(() => importPublicKey(short.toString("base64"))).toThrow();
  });
});

describe("importEd25519PrivateKey", () => {
  it("gives a key that signs what its public half verifies, with or without the public half", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const key of [importEd25519PrivateKey(pem, spki(publicKey)), importEd25519PrivateKey(pem)]) {
      expect(key.equals(privateKey)).toBe(true);
      expect(verify(null, Buffer.from("text"), publicKey, sign(null, Buffer.from("text"), key))).toBe(true);
    }
  });

  it("refuses a PEM that is no private key, as OpenSSL does", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    expect(() =>
      importEd25519PrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", spki(publicKey)),
    ).toThrow();
  });
});
