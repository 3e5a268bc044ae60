/**
 * Judges what a call for bids brought back. Each bid: is it signed (or MAC'd) by the node it names, for this SLA,
 * and new? A bid id valid in an earlier auction is a replay. Inside one answer, every copy is checked on its own:
 * the first valid copy of an id keeps its verdict and later valid copies are duplicates, so a relay that repeats a
 * child's bid loses only the copy (and is named in the record), never the child's bid. Each refusal: is it MAC'd
 * by the node that reports it? One that is not is ignored by the auction. The verdicts feed the pure auction.
 */
import { bidSigningText, type BidProposal, type Refusal } from "../protocol/messages.ts";
import { verifyMac } from "../protocol/bid-mac.ts";
import { HMAC_AUTH, refusalSigningText, type EndpointAuth } from "../protocol/endpoint-auth.ts";
import { verifyText } from "../protocol/signing.ts";
import type { Judgement, Verdict } from "./auction.ts";

export interface NodeKeys {
  publicKeyOf(nodeId: string): string | undefined;
  bidKeyOf(nodeId: string): Buffer | undefined;
}

export class BidVerifier {
  readonly #seen = new Set<string>();
  readonly #capacity: number;
  readonly #auth: EndpointAuth;

  constructor(
    private readonly keys: NodeKeys,
    opts: { requireSignatures: boolean; rememberBids?: number; endpointAuth?: EndpointAuth },
  ) {
    this.requireSignatures = opts.requireSignatures;
    this.#capacity = opts.rememberBids ?? 1_000_000;
    this.#auth = opts.endpointAuth ?? HMAC_AUTH;
  }

  readonly requireSignatures: boolean;

  /** Verdicts aligned with `bids`, and whether each of `refusals` is authenticated. */
  judge(slaId: string, bids: readonly BidProposal[], refusals: readonly Refusal[] = []): Judgement {
    const verdicts: Verdict[] = [];
    const validIds = new Set<string>();
    for (const bid of bids) {
      let verdict = this.#seen.has(bid.id) ? "replayed" : this.#judgeOne(slaId, bid);
      if (verdict === "valid") {
        if (validIds.has(bid.id)) verdict = "duplicate";
        else validIds.add(bid.id);
      }
      verdicts.push(verdict);
    }
    for (const id of validIds) this.#remember(id);
    return { bids: verdicts, refusals: refusals.map((r) => this.#authentic(slaId, r)) };
  }

  #judgeOne(slaId: string, bid: BidProposal): Verdict {
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

  /** A refusal counts when the node reporting it MAC'd it under its market key. */
  #authentic(slaId: string, refusal: Refusal): boolean {
    const key = this.keys.bidKeyOf(refusal.by ?? refusal.nodeId);
    return this.#auth.verify(key, () => refusalSigningText(slaId, refusal), refusal.mac);
  }

  #remember(id: string): void {
    this.#seen.add(id);
    // a Set iterates in insertion order, so its first entry is the oldest bid remembered
    if (this.#seen.size > this.#capacity) this.#seen.delete(this.#seen.values().next().value!);
  }
}
