/** Latency bounds: the half-normal classes of HEAD and of the paper, and the README's Student-t buckets. */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../runtime/util/seeded-random.ts";
import { latencyBucketOf, latencySampler, README_BUCKETS, studentTCutoff } from "./latency.ts";
import { sampleStudentT } from "./student-t.ts";

const DRAWS = 20_000;

describe("half-normal latency classes", () => {
  it("[HEAD] ⌈|N(0,1)·L|⌉: whole ms ≥ 1 with the half-normal's mean L·√(2/π)", () => {
    const sample = Array.from(
      { length: DRAWS },
      latencySampler(seededRandom("head"), "half-normal-head").bind(null, 200),
    );
    expect(sample.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    const mean = sample.reduce((s, x) => s + x, 0) / DRAWS;
    expect(mean).toBeGreaterThan(200 * Math.sqrt(2 / Math.PI) * 0.97);
    expect(mean).toBeLessThan(200 * Math.sqrt(2 / Math.PI) * 1.03 + 0.5);
  });

  it("[paper] ⌈|N(0,1)·L + L/4|⌉ is shifted: its median is above HEAD's", () => {
    const median = (law: "half-normal-head" | "half-normal-paper") => {
      const sample = Array.from({ length: DRAWS }, () => 0).map(latencySampler(seededRandom(law), law).bind(null, 100));
      return sample.sort((a, b) => a - b)[DRAWS / 2]!;
    };
    // |N + 1/4| has median ≈ 0.70, |N| ≈ 0.674
    expect(median("half-normal-paper")).toBeGreaterThan(median("half-normal-head"));
  });
});

describe("Student-t (df = 10) buckets", () => {
  const shares = (sample: number[]) => ({
    low: sample.filter((x) => x === 15).length / sample.length,
    normal: sample.filter((x) => x === 150).length / sample.length,
    dontCare: sample.filter((x) => x === 10_000).length / sample.length,
  });

  it("puts 5 % / 90 % / 5 % of 20 000 functions in low latency (15 ms) / normal (150 ms) / don't care (10 s)", () => {
    const sample = Array.from({ length: DRAWS }, () => 0).map(
      latencySampler(seededRandom("buckets"), "student-t-buckets").bind(null, 1),
    );
    const s = shares(sample);
    expect(s.low).toBeGreaterThan(0.044);
    expect(s.low).toBeLessThan(0.056);
    expect(s.dontCare).toBeGreaterThan(0.044);
    expect(s.dontCare).toBeLessThan(0.056);
    expect(s.normal).toBeGreaterThan(0.888);
    expect(s.normal).toBeLessThan(0.912);
    expect(studentTCutoff(README_BUCKETS)).toBeCloseTo(1.8125, 3);
  });

  it("with the README's literal cut-off ±2.25 the tails hold ≈ 2.4 % each, not 5 %", () => {
    const random = seededRandom("literal");
    const buckets = Array.from({ length: DRAWS }, () => latencyBucketOf(sampleStudentT(random, 10), 2.25));
    const low = buckets.filter((b) => b === "low").length / DRAWS;
    const high = buckets.filter((b) => b === "dont-care").length / DRAWS;
    expect(low).toBeGreaterThan(0.019);
    expect(low).toBeLessThan(0.029);
    expect(high).toBeGreaterThan(0.019);
    expect(high).toBeLessThan(0.029);
  });
});
