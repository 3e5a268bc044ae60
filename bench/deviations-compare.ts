/**
 * Figures of the deviation benchmark: one simulated arm against another on the same plan (`compareArms`), what
 * one arm charged (`chargesOf`), and the pooling of seeds (`pool`). Pure functions of `SimResult`s.
 */
import type { SimResult, SlaOutcome } from "./deviations-sim.ts";
import { round } from "./common.ts";

/** Ours (deviation on) against GIRAFF's behaviour (off), on one plan. */
export interface Comparison {
  slas: number;
  chains: number;
  /** SLAs whose winner differs, "not placed" counting as a winner of its own. */
  winnerChanged: number;
  unplacedOn: number;
  unplacedOff: number;
  /** Mean over chains with at least one award of the sum of the winners' own prices (GIRAFF's spending). */
  spendingGiraffPerChainOn: number | null;
  spendingGiraffPerChainOff: number | null;
  /** The same with what the market charged. */
  spendingChargedPerChainOn: number | null;
  spendingChargedPerChainOff: number | null;
  /** Chains fully placed in both arms, and their total spending in each (own prices, then charged). */
  pairedChains: number;
  pairedGiraffOn: number;
  pairedGiraffOff: number;
  pairedChargedOn: number;
  pairedChargedOff: number;
  refusedPaymentsOn: number;
  refusedPaymentsOff: number;
  /** SLAs awarded after a refused payment: those GIRAFF's market would have refused. */
  awardedAfterRefusalOn: number;
  awardedAfterRefusalOff: number;
  rateLimitedOn: number;
  rateLimitedOff: number;
}

export function compareArms(on: SimResult, off: SimResult): Comparison {
  if (on.slas.length !== off.slas.length) throw new Error(`${on.arm} and ${off.arm} replayed different plans`);
  let winnerChanged = 0;
  for (let i = 0; i < on.slas.length; i++) if (on.slas[i]!.winner !== off.slas[i]!.winner) winnerChanged++;
  const chainsOn = byChain(on.slas);
  const chainsOff = byChain(off.slas);
  const paired = { chains: 0, giraffOn: 0, giraffOff: 0, chargedOn: 0, chargedOff: 0 };
  for (const [id, a] of chainsOn) {
    const b = chainsOff.get(id)!;
    if (!a.every(placed) || !b.every(placed)) continue;
    paired.chains++;
    paired.giraffOn += sum(a, "ownPrice");
    paired.giraffOff += sum(b, "ownPrice");
    paired.chargedOn += sum(a, "charged");
    paired.chargedOff += sum(b, "charged");
  }
  return {
    slas: on.slas.length,
    chains: chainsOn.size,
    winnerChanged,
    unplacedOn: on.slas.filter((s) => !placed(s)).length,
    unplacedOff: off.slas.filter((s) => !placed(s)).length,
    spendingGiraffPerChainOn: perChain(chainsOn, "ownPrice"),
    spendingGiraffPerChainOff: perChain(chainsOff, "ownPrice"),
    spendingChargedPerChainOn: perChain(chainsOn, "charged"),
    spendingChargedPerChainOff: perChain(chainsOff, "charged"),
    pairedChains: paired.chains,
    pairedGiraffOn: paired.giraffOn,
    pairedGiraffOff: paired.giraffOff,
    pairedChargedOn: paired.chargedOn,
    pairedChargedOff: paired.chargedOff,
    refusedPaymentsOn: count(on.slas, (s) => s.refusedPayments),
    refusedPaymentsOff: count(off.slas, (s) => s.refusedPayments),
    awardedAfterRefusalOn: on.slas.filter((s) => placed(s) && s.refusedPayments > 0).length,
    awardedAfterRefusalOff: off.slas.filter((s) => placed(s) && s.refusedPayments > 0).length,
    rateLimitedOn: on.rateLimited,
    rateLimitedOff: off.rateLimited,
  };
}

/** Mean per chain (with at least one award) of what one arm's winners asked, our market charged, GIRAFF's would. */
export function chargesOf(result: SimResult) {
  const chains = byChain(result.slas);
  return {
    ownPricePerChain: perChain(chains, "ownPrice"),
    chargedPerChain: perChain(chains, "charged"),
    giraffChargedPerChain: perChain(chains, "giraffCharged"),
    awarded: result.slas.filter(placed).length,
  };
}

/** Pooled figures over seeds: counts summed, percentages of the pooled SLAs, per-chain means averaged over seeds. */
export function pool(rows: readonly Comparison[]): Record<string, number | null> {
  const total = (k: keyof Comparison) => rows.reduce((s, r) => s + (r[k] ?? 0), 0);
  const meanOf = (k: keyof Comparison) => {
    const xs = rows.map((r) => r[k]).filter((x): x is number => x !== null);
    return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const slas = total("slas");
  const pct = (n: number) => round(slas === 0 ? null : (100 * n) / slas, 2);
  const perSeedChanged = rows.map((r) => (100 * r.winnerChanged) / r.slas);
  const ratio = (a: number, b: number) => round(a === 0 ? null : b / a, 4);
  return {
    seeds: rows.length,
    slas,
    winnerChangedPct: pct(total("winnerChanged")),
    winnerChangedPctMin: round(Math.min(...perSeedChanged), 2),
    winnerChangedPctMax: round(Math.max(...perSeedChanged), 2),
    unplacedOn: total("unplacedOn"),
    unplacedOff: total("unplacedOff"),
    unplacedPctOn: pct(total("unplacedOn")),
    unplacedPctOff: pct(total("unplacedOff")),
    spendingGiraffPerChainOn: round(meanOf("spendingGiraffPerChainOn"), 4),
    spendingGiraffPerChainOff: round(meanOf("spendingGiraffPerChainOff"), 4),
    spendingChargedPerChainOn: round(meanOf("spendingChargedPerChainOn"), 4),
    spendingChargedPerChainOff: round(meanOf("spendingChargedPerChainOff"), 4),
    pairedChains: total("pairedChains"),
    /** GIRAFF's behaviour / ours, over the chains fully placed in both: < 1 means ours spends more. */
    pairedRatioGiraffOffOverOn: ratio(total("pairedGiraffOn"), total("pairedGiraffOff")),
    pairedRatioChargedOffOverOn: ratio(total("pairedChargedOn"), total("pairedChargedOff")),
    refusedPaymentsOn: total("refusedPaymentsOn"),
    refusedPaymentsOff: total("refusedPaymentsOff"),
    awardedAfterRefusalOn: total("awardedAfterRefusalOn"),
    awardedAfterRefusalOff: total("awardedAfterRefusalOff"),
    rateLimitedOn: total("rateLimitedOn"),
    rateLimitedOff: total("rateLimitedOff"),
  };
}

function placed(s: SlaOutcome): boolean {
  return s.winner !== undefined;
}

function byChain(slas: readonly SlaOutcome[]): Map<string, SlaOutcome[]> {
  const chains = new Map<string, SlaOutcome[]>();
  for (const s of slas) {
    const list = chains.get(s.chainId);
    if (list === undefined) chains.set(s.chainId, [s]);
    else list.push(s);
  }
  return chains;
}

function sum(slas: readonly SlaOutcome[], key: "ownPrice" | "charged" | "giraffCharged"): number {
  return slas.reduce((s, x) => s + (x[key] ?? 0), 0);
}

function count(slas: readonly SlaOutcome[], f: (s: SlaOutcome) => number): number {
  return slas.reduce((s, x) => s + f(x), 0);
}

/** Mean over chains with at least one award of the chain's sum of `key` (the analysis' `chain_spending`). */
function perChain(chains: Map<string, SlaOutcome[]>, key: "ownPrice" | "charged" | "giraffCharged"): number | null {
  const sums: number[] = [];
  for (const list of chains.values()) if (list.some(placed)) sums.push(sum(list.filter(placed), key));
  return sums.length === 0 ? null : sums.reduce((a, b) => a + b, 0) / sums.length;
}
