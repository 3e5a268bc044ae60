/**
 * GNU parallel's `--halt` rules: when to stop a batch early. `soon` stops starting runs and lets running ones
 * finish; `now` also cancels the running ones. Parsed once at the boundary into a small object so the scheduler only
 * asks `shouldHalt(rule, counts)`.
 */
import { BatchError } from "./errors.ts";

export type HaltRule =
  | { when: "never"; text: "never" }
  | {
      when: "soon" | "now";
      why: "fail" | "success" | "done";
      /** Absolute threshold (`fail=3`), or null when the rule is a percentage. */
      count: number | null;
      /** Percentage threshold (`fail=20%`) of the runs this invocation runs, or null. */
      percent: number | null;
      /** The canonical spelling, e.g. `soon,fail=1`. */
      text: string;
    };

/** GNU's legacy numeric spellings. */
const LEGACY: Record<string, string> = {
  "0": "never",
  "1": "soon,fail=1",
  "2": "now,fail=1",
  "-1": "soon,success=1",
  "-2": "now,success=1",
};

const RULE = "`never`, or `when,why=N` or `when,why=P%` with when `soon` or `now` and why `fail`, `success` or `done`";

/** Parses a GNU halt rule (`never`, `soon,fail=1`, `now,success=1`, `soon,fail=20%`, legacy `0`, `1`, `2`, `-1`, `-2`, `1-99%`). */
export function parseHalt(spec: unknown, field = "halt"): HaltRule {
  if (spec === undefined) return { when: "never", text: "never" };
  if (typeof spec !== "string") throw BatchError.invalid(field, RULE, spec);
  const text = spec.trim();
  const legacy = LEGACY[text] ?? (/^\d{1,2}%$/.test(text) && text !== "0%" ? `soon,fail=${text}` : text);
  if (legacy === "never") return { when: "never", text: "never" };
  const match = /^(soon|now),(fail|success|done)=(\d+(?:\.\d+)?)(%?)$/.exec(legacy);
  if (!match) throw BatchError.invalid(field, RULE, spec);
  const [, when, why, amount, pct] = match as unknown as [
    string,
    "soon" | "now",
    "fail" | "success" | "done",
    string,
    string,
  ];
  const value = Number(amount);
  if (pct === "%") {
    if (!(value > 0 && value <= 100)) {
      throw BatchError.invalid(field, `a percentage in (0, 100] in the rule \`${legacy}\``, spec);
    }
    return { when, why, count: null, percent: value, text: `${when},${why}=${amount}%` };
  }
  if (!Number.isInteger(value) || value < 1) {
    throw BatchError.invalid(field, `a whole count of at least 1 in the rule \`${legacy}\``, spec);
  }
  return { when, why, count: value, percent: null, text: `${when},${why}=${value}` };
}

export interface HaltCounts {
  failed: number;
  succeeded: number;
  /** Runs this invocation intends to run; the base of percentage rules. */
  total: number;
}

/** The reason to halt, as a sentence, or null to carry on. */
export function shouldHalt(rule: HaltRule, counts: HaltCounts): string | null {
  if (rule.when === "never") return null;
  const n =
    rule.why === "fail" ? counts.failed : rule.why === "success" ? counts.succeeded : counts.failed + counts.succeeded;
  const noun = rule.why === "done" ? "finished" : rule.why === "fail" ? "failed" : "succeeded";
  if (rule.count !== null) {
    return n >= rule.count ? `${n} run(s) ${noun}, reaching the halt rule \`${rule.text}\`.` : null;
  }
  const pct = counts.total === 0 ? 0 : (100 * n) / counts.total;
  return pct >= (rule.percent ?? 100)
    ? `${n} of ${counts.total} run(s) ${noun} (${pct.toFixed(1)}%), reaching the halt rule \`${rule.text}\`.`
    : null;
}
