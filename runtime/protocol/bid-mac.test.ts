import { describe, expect, it } from "vitest";
import { deriveBidKey, generateAgreementKeys, macText, verifyMac } from "./bid-mac.ts";
import { generateNodeKeys } from "./signing.ts";

describe("bid MAC keys", () => {
  const market = generateAgreementKeys();
  const node = generateAgreementKeys();

  it("gives the node and the market the same key, and each node its own", () => {
    const atNode = deriveBidKey(node.privateKey, market.publicKey, "n1")!;
    const atMarket = deriveBidKey(market.privateKey, node.publicKey, "n1")!;
    expect(atNode.equals(atMarket)).toBe(true);
    expect(atNode).toHaveLength(32);
    // the node id is bound into the key: a key agreed for n1 is not n2's
    expect(deriveBidKey(market.privateKey, node.publicKey, "n2")!.equals(atMarket)).toBe(false);
    const other = generateAgreementKeys();
    expect(deriveBidKey(other.privateKey, market.publicKey, "n1")!.equals(atMarket)).toBe(false);
  });

  it("answers undefined for a malformed key or one that is not X25519", () => {
    expect(deriveBidKey(market.privateKey, "not base64 DER", "n1")).toBeUndefined();
    expect(deriveBidKey(market.privateKey, generateNodeKeys().publicKey, "n1")).toBeUndefined();
  });

  it("verifies a MAC of the same text under the same key, and nothing else", () => {
    const key = deriveBidKey(node.privateKey, market.publicKey, "n1")!;
    const otherKey = deriveBidKey(node.privateKey, market.publicKey, "n2")!;
    const mac = macText(key, "giraff-bid\nsla\nn1\nb1\n3\n3");
    expect(verifyMac(key, "giraff-bid\nsla\nn1\nb1\n3\n3", mac)).toBe(true);
    expect(verifyMac(key, "giraff-bid\nsla\nn1\nb1\n2\n3", mac)).toBe(false);
    expect(verifyMac(otherKey, "giraff-bid\nsla\nn1\nb1\n3\n3", mac)).toBe(false);
    expect(verifyMac(key, "giraff-bid\nsla\nn1\nb1\n3\n3", undefined)).toBe(false);
    expect(verifyMac(key, "giraff-bid\nsla\nn1\nb1\n3\n3", "short")).toBe(false);
    expect(verifyMac(key, "giraff-bid\nsla\nn1\nb1\n3\n3", `${mac.slice(0, -2)}AA`)).toBe(false);
  });
});
