import { describe, expect, it } from "vitest";
import { deriveBidKey, generateAgreementKeys, macText } from "../protocol/bid-mac.ts";
import { bidSigningText, type BidProposal } from "../protocol/messages.ts";
import { generateNodeKeys, signText } from "../protocol/signing.ts";
import { refusalSigningText } from "../protocol/endpoint-auth.ts";
import { BidVerifier } from "./verify-bids.ts";

const market = generateAgreementKeys();
const macNode = generateNodeKeys();
const signingNode = generateNodeKeys();
const bidKey = deriveBidKey(market.privateKey, macNode.agreement.publicKey, "mac-node")!;
const keys = {
  publicKeyOf: (id: string) =>
    ({ "mac-node": macNode.publicKey, "signing-node": signingNode.publicKey })[id] as string | undefined,
  bidKeyOf: (id: string) => (id === "mac-node" ? bidKey : undefined),
};

function macBid(id: string, bid: number, key = bidKey, nodeId = "mac-node"): BidProposal {
  const unsigned = { nodeId, id, bid, price: bid };
  return { ...unsigned, mac: macText(key, bidSigningText("sla-1", unsigned)) };
}

describe("BidVerifier", () => {
  it("accepts MACs under the agreed key and Ed25519 signatures, on the same auction", () => {
    const verifier = new BidVerifier(keys, { requireSignatures: true });
    const unsigned = { nodeId: "signing-node", id: "b2", bid: 4, price: 4 };
    const signed = { ...unsigned, signature: signText(signingNode, bidSigningText("sla-1", unsigned)) };
    expect(verifier.judge("sla-1", [macBid("b1", 3), signed]).bids).toEqual(["valid", "valid"]);
  });

  it("refuses a MAC under another key, for another SLA or amount, or from a node that agreed no key", () => {
    const verifier = new BidVerifier(keys, { requireSignatures: true });
    const wrongKey = deriveBidKey(market.privateKey, generateAgreementKeys().publicKey, "mac-node")!;
    const tampered = { ...macBid("b4", 3), bid: 1 };
    const unsigned = { nodeId: "signing-node", id: "b5", bid: 2, price: 2 };
    // the signing node never agreed a MAC key, so a MAC in its name is not checkable: forged
    const macFromSigner = { ...unsigned, mac: macText(bidKey, bidSigningText("sla-1", unsigned)) };
    const verdicts = verifier.judge("sla-1", [macBid("b3", 3, wrongKey), tampered, macFromSigner]);
    expect(verdicts.bids).toEqual(["forged", "forged", "forged"]);
    const otherSla = new BidVerifier(keys, { requireSignatures: true }).judge("sla-2", [macBid("b6", 3)]);
    expect(otherSla.bids).toEqual(["forged"]);
  });

  it("refuses a bid id replayed from an earlier auction", () => {
    const verifier = new BidVerifier(keys, { requireSignatures: true });
    expect(verifier.judge("sla-1", [macBid("b7", 3)]).bids).toEqual(["valid"]);
    expect(verifier.judge("sla-1", [macBid("b7", 3)]).bids).toEqual(["replayed"]);
  });

  it("keeps the first valid copy of a bid repeated in one answer: only the copy is a duplicate", () => {
    const verifier = new BidVerifier(keys, { requireSignatures: true });
    expect(verifier.judge("sla-1", [macBid("b8", 3), macBid("b8", 3)]).bids).toEqual(["valid", "duplicate"]);
    // a forged copy put first does not take the real bid's place
    const forgedFirst = { ...macBid("b11", 3), mac: "A".repeat(43) };
    expect(verifier.judge("sla-1", [forgedFirst, macBid("b11", 3)]).bids).toEqual(["forged", "valid"]);
  });

  it("authenticates refusals under the key of the node reporting them", () => {
    const verifier = new BidVerifier(keys, { requireSignatures: true });
    const own = { nodeId: "mac-node", reason: "insufficient cpu" };
    const reported = { nodeId: "stranger", reason: "timeout", by: "mac-node" };
    const refusals = [
      { ...own, mac: macText(bidKey, refusalSigningText("sla-1", own)) },
      { ...reported, mac: macText(bidKey, refusalSigningText("sla-1", reported)) },
      { ...own, reason: "in-flight limit reached", mac: macText(bidKey, refusalSigningText("sla-1", own)) },
      { nodeId: "mac-node", reason: "insufficient memory" },
    ];
    expect(verifier.judge("sla-1", [], refusals).refusals).toEqual([true, true, false, false]);
  });

  it("refuses unsigned bids when signatures are required, and bids of unknown nodes", () => {
    const verifier = new BidVerifier(keys, { requireSignatures: true });
    const verdicts = verifier.judge("sla-1", [
      { nodeId: "mac-node", id: "b9", bid: 1 },
      macBid("b10", 1, bidKey, "stranger"),
    ]);
    expect(verdicts.bids).toEqual(["unsigned", "unknown-node"]);
  });
});
