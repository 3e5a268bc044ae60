/**
 * Judges each received bid: is it signed by the node it names, for this SLA, and new? A bid id seen before (in
 * this auction or an earlier one) is a replay. The verdicts feed the pure auction; refused bids are recorded.
 */
import { bidSigningText, type BidProposal } from "../protocol/messages.ts";
import { verifyMac } from "../protocol/bid-mac.ts";
import { verifyText } from "../protocol/signing.ts";
import type { Verdict } from "./auction.ts";

export class BidVerifier {
  readonly #seen = new Set<string>();
  readonly #capacity: number;

  constructor(
    private readonly keys: {
      publicKeyOf(nodeId: string): string | undefined;
      bidKeyOf(nodeId: string): Buffer | undefined;
    },
    opts: { requireSignatures: boolean; rememberBids?: number },
  ) {
    this.requireSignatures = opts.requireSignatures;
    this.#capacity = opts.rememberBids ?? 1_000_000;
  }

  readonly requireSignatures: boolean;

  judge(slaId: string, bids: readonly BidProposal[]): Map<string, Verdict> {
    const verdicts = new Map<string, Verdict>();
    for (const bid of bids) {
      const verdict = this.#judgeOne(slaId, bid, verdicts);
      // the first occurrence of a bid id keeps its verdict; duplicates inside one answer are replays
      if (!verdicts.has(bid.id)) verdicts.set(bid.id, verdict);
      else verdicts.set(bid.id, "replayed");
    }
    for (const [id, verdict] of verdicts) if (verdict === "valid") this.#remember(id);
    return verdicts;
  }

  #judgeOne(slaId: string, bid: BidProposal, sofar: Map<string, Verdict>): Verdict {
    if (this.#seen.has(bid.id) || sofar.has(bid.id)) return "replayed";
    const key = this.keys.publicKeyOf(bid.nodeId);
    if (key === undefined) return "unknown-node";
    if (bid.mac !== undefined) {
      // a MAC from a node that agreed no key cannot be checked: it proves nothing
      const bidKey = this.keys.bidKeyOf(bid.nodeId);
      return bidKey !== undefined && verifyMac(bidKey, bidSigningText(slaId, bid), bid.mac) ? "valid" : "forged";
    }
    if (bid.signature === undefined) return this.requireSignatures ? "unsigned" : "valid";
    return verifyText(key, bidSigningText(slaId, bid), bid.signature) ? "valid" : "forged";
  }

  #remember(id: string): void {
    this.#seen.add(id);
    // a Set iterates in insertion order, so its first entry is the oldest bid remembered
    if (this.#seen.size > this.#capacity) this.#seen.delete(this.#seen.values().next().value!);
  }
}
