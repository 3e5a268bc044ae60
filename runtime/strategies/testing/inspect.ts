/** Compact views of an answer for assertions: who bid, and who was refused for what. */
import type { BidProposals } from "../types.ts";

export function bidders(answer: BidProposals): string[] {
  return answer.bids.map((b) => b.nodeId).sort();
}

/** `{nodeId: reason}` for every refusal (a node refused twice would show its last reason; tests check counts). */
export function refusalsByNode(answer: BidProposals): Record<string, string> {
  return Object.fromEntries((answer.refusals ?? []).map((r) => [r.nodeId, r.reason]));
}
