import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { BidProposal, Sla } from "../protocol/messages.ts";
import { onBids, onPayment, startAuction, type AuctionState, type Verdict } from "./auction.ts";
import { MARKET_RULES, withoutFallback } from "./rules.ts";

const sla: Sla = {
  id: "sla-1",
  memoryBytes: 1e8,
  cpuMilli: 100,
  latencyMaxMs: 50,
  durationMs: 60_000,
  replicas: 1,
  functionImage: "echo",
  functionLiveName: "echo-1",
  dataFlow: [],
  envVars: [],
  inputMaxSizeBytes: 1500,
};

const bid = (nodeId: string, value: number, price?: number): BidProposal => ({
  nodeId,
  id: `bid-${nodeId}`,
  bid: value,
  ...(price === undefined ? {} : { price }),
});
const allValid = (bids: BidProposal[]) => verdictsOf(bids, () => "valid");
const verdictsOf = (bids: BidProposal[], verdict: (b: BidProposal) => Verdict) => ({ bids: bids.map(verdict) });

/** Runs an auction to the end, answering payments with `payOk(nodeId)`. */
function run(
  bids: BidProposal[],
  payOk: (nodeId: string) => boolean,
  verdicts = allValid(bids),
  rule = MARKET_RULES["second-price"],
) {
  let step = startAuction(sla, "target", rule, 1000);
  expect(step.effect).toEqual({ kind: "call-for-bids", targetNode: "target" });
  step = onBids(
    step.state,
    { bids, refusals: [{ nodeId: "far", reason: "worst-case latency exceeds latencyMax" }] },
    verdicts,
    1010,
  );
  const paid: string[] = [];
  for (let guard = 0; step.effect.kind === "pay"; guard++) {
    expect(guard).toBeLessThan(bids.length);
    paid.push(step.effect.nodeId);
    step = onPayment(
      step.state,
      payOk(step.effect.nodeId),
      1020 + guard,
      payOk(step.effect.nodeId) ? undefined : "insufficient cpu",
    );
  }
  if (step.effect.kind !== "done") throw new Error("auction did not finish");
  return { record: step.effect.record, paid, state: step.state as AuctionState };
}

describe("auction state machine", () => {
  it("awards the lowest bid at the second-lowest price (reverse Vickrey)", () => {
    const { record } = run([bid("a", 3), bid("b", 1), bid("c", 2)], () => true);
    expect(record).toMatchObject({ outcome: "awarded", winner: "b", winningBid: 1, price: 2, durationMs: 20 });
    expect(record.bids.map((b) => b.nodeId)).toEqual(["a", "b", "c"]);
    expect(record.refusals).toEqual([{ nodeId: "far", reason: "worst-case latency exceeds latencyMax" }]);
  });

  it("charges a lone bidder its own bid", () => {
    expect(run([bid("a", 3)], () => true).record).toMatchObject({ winner: "a", price: 3 });
  });

  it("falls back to the next bidder when the winner refuses payment", () => {
    const { record, paid } = run([bid("a", 3), bid("b", 1), bid("c", 2)], (n) => n !== "b");
    expect(paid).toEqual(["b", "c"]);
    expect(record).toMatchObject({ outcome: "awarded", winner: "c", price: 3 });
    expect(record.paymentAttempts).toEqual([
      { nodeId: "b", ok: false, reason: "insufficient cpu" },
      { nodeId: "c", ok: true },
    ]);
  });

  it("refuses the SLA at the first refused payment without fallback (GIRAFF, §17.2)", () => {
    const giraff = withoutFallback(MARKET_RULES["second-price"]);
    const { record, paid } = run([bid("a", 3), bid("b", 1), bid("c", 2)], (n) => n !== "b", undefined, giraff);
    expect(paid).toEqual(["b"]);
    expect(record).toMatchObject({ outcome: "refused", reason: "the winner refused payment (no fallback)" });
    expect(record.paymentAttempts).toEqual([{ nodeId: "b", ok: false, reason: "insufficient cpu" }]);
    expect(record.winner).toBeUndefined();
    // an accepted payment is unchanged, and the rule keeps its name and prices
    expect(run([bid("a", 3), bid("b", 1)], () => true, undefined, giraff).record).toMatchObject({
      rule: "second-price",
      winner: "b",
      price: 3,
    });
  });

  it("refuses with a reason when nobody bids, nobody is valid, or everybody refuses payment", () => {
    expect(run([], () => true).record).toMatchObject({ outcome: "refused", reason: "no bids" });
    const r = run([bid("a", 1)], () => true, { bids: ["forged"] }).record;
    expect(r).toMatchObject({ outcome: "refused", reason: "no valid bids" });
    expect(r.refusals).toContainEqual({ nodeId: "a", reason: "bid forged", detail: "bid bid-a" });
    expect(run([bid("a", 1), bid("b", 2)], () => false).record).toMatchObject({
      outcome: "refused",
      reason: "every candidate refused payment",
    });
  });

  it("keeps the first valid copy of a repeated bid and names the target for the copy", () => {
    const a = bid("a", 1);
    const { record } = run([a, bid("b", 2), a], () => true, { bids: ["valid", "valid", "duplicate"] });
    expect(record).toMatchObject({ outcome: "awarded", winner: "a", price: 2 });
    expect(record.bids.map((b) => b.verdict)).toEqual(["valid", "valid", "duplicate"]);
    expect(record.refusals).toContainEqual({
      nodeId: "target",
      reason: "bid duplicated",
      detail: "bid bid-a of a repeated in the answer of target",
    });
  });

  it("records an unauthenticated refusal as ignored: it no longer makes the auction rate limited", () => {
    let step = startAuction(sla, "target", MARKET_RULES["second-price"], 0);
    const answer = { bids: [], refusals: [{ nodeId: "a", reason: "in-flight limit reached" }] };
    step = onBids(step.state, answer, { bids: [], refusals: [false] }, 1);
    expect(step.effect).toMatchObject({ kind: "done", record: { outcome: "refused", reason: "no bids" } });
    if (step.effect.kind !== "done") return;
    expect(step.effect.record.refusals).toEqual([
      {
        nodeId: "a",
        reason: "refusal not authenticated",
        detail: 'ignored: a did not authenticate "in-flight limit reached"',
      },
    ]);
    const trusted = onBids(startAuction(sla, "target", MARKET_RULES["second-price"], 0).state, answer, { bids: [] }, 1);
    expect(trusted.effect).toMatchObject({ record: { reason: "rate limited" } });
  });

  it("reports an unreachable target", () => {
    const start = startAuction(sla, "target", MARKET_RULES["second-price"], 0);
    const step = onBids(start.state, undefined, { bids: [] }, 5, "timed out");
    expect(step.effect).toMatchObject({
      kind: "done",
      record: { outcome: "refused", reason: "target node unreachable: timed out" },
    });
  });

  it("charges the winner's own price under the mincpurandom and random rules", () => {
    expect(
      run([bid("a", 3000, 9), bid("b", 1000, 7)], () => true, undefined, MARKET_RULES.mincpurandom).record,
    ).toMatchObject({
      winner: "b",
      price: 7,
    });
    const random = run([bid("a", 3000, 9), bid("b", 1000, 7)], () => true, undefined, MARKET_RULES.random).record;
    expect(random.price).toBe(random.winner === "a" ? 9 : 7);
  });

  it("is deterministic: ties break by a hash of the SLA and bid ids, not by arrival order", () => {
    const bids = [bid("a", 1), bid("b", 1), bid("c", 1)];
    const first = run(bids, () => true).record.winner;
    expect(run(bids.slice().reverse(), () => true).record.winner).toBe(first);
  });

  it("holds its invariants for any bids and payment outcomes (property)", () => {
    const bids = fc.uniqueArray(
      fc.record({
        nodeId: fc.string({ minLength: 1, maxLength: 4 }),
        bid: fc.double({ min: 0, max: 1e6, noNaN: true }),
      }),
      { selector: (b) => b.nodeId, maxLength: 12 },
    );
    fc.assert(
      fc.property(bids, fc.func(fc.boolean()), fc.func(fc.boolean()), (raw, isForged, refuses) => {
        const proposals = raw.map((b) => bid(b.nodeId, b.bid));
        const verdictOf = (p: BidProposal): Verdict => (isForged(p.nodeId) ? "forged" : "valid");
        const { record, paid } = run(proposals, (n) => !refuses(n), verdictsOf(proposals, verdictOf));
        const valid = proposals.filter((p) => verdictOf(p) === "valid").sort((a, b) => a.bid - b.bid);
        // exactly one outcome, with a reason when refused
        expect(["awarded", "refused"]).toContain(record.outcome);
        if (record.outcome === "refused") expect(record.reason).toBeTruthy();
        // candidates are offered the function in ascending bid order, never twice, never a forged one
        const offered = paid.map((n) => proposals.find((p) => p.nodeId === n)!.bid);
        expect(offered).toEqual([...offered].sort((a, b) => a - b));
        expect(new Set(paid).size).toBe(paid.length);
        for (const n of paid) expect(verdictOf(proposals.find((p) => p.nodeId === n)!)).toBe("valid");
        if (record.outcome === "awarded") {
          const remaining = valid.filter((p) => !refuses(p.nodeId));
          // the winner has the minimal bid among valid bidders that accept
          expect(record.winningBid).toBe(remaining[0]!.bid);
          // the price is the lowest valid bid among those not yet offered the function (its own when none is left)
          const after = valid.filter((p) => p.nodeId !== record.winner && !paid.includes(p.nodeId));
          expect(record.price).toBe(after.length > 0 ? after[0]!.bid : record.winningBid);
          expect(record.price).toBeGreaterThanOrEqual(record.winningBid!);
        } else {
          expect(valid.every((p) => refuses(p.nodeId))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
