import { describe, expect, it } from "vitest";
import { BatchError } from "./errors.ts";
import { exitCodeFor } from "./exit-code.ts";
import { parseHalt, shouldHalt } from "./halt.ts";

describe("parseHalt", () => {
  it.each([
    ["never", "never"],
    ["0", "never"],
    ["1", "soon,fail=1"],
    ["2", "now,fail=1"],
    ["-1", "soon,success=1"],
    ["-2", "now,success=1"],
    ["20%", "soon,fail=20%"],
    ["soon,fail=3", "soon,fail=3"],
    ["now,done=50%", "now,done=50%"],
    [" now,success=1 ", "now,success=1"],
  ])("reads %j as %s", (spec, text) => {
    expect(parseHalt(spec).text).toBe(text);
  });

  it.each([
    "sometimes",
    "soon",
    "soon,fail",
    "soon,fail=0",
    "later,fail=1",
    "now,fail=150%",
    "soon,fail=1.5",
    "now,crash=1",
  ])("refuses %j with a sentence naming the rule", (spec) => {
    expect(() => parseHalt(spec)).toThrow(BatchError);
    try {
      parseHalt(spec);
    } catch (err) {
      BatchError.assert(err, {
        field: "halt",
        message: /^Expected `halt` to be .*(soon|when|count|percentage).*got `/,
      });
    }
  });

  it("refuses a value that is not a string", () => {
    expect(() => parseHalt(2)).toThrow(/Expected `halt` to be `never`, or `when,why=N`.*got `2` \(number\)/);
  });
});

describe("shouldHalt", () => {
  it("counts failures, successes or both against an absolute threshold", () => {
    expect(shouldHalt(parseHalt("soon,fail=2"), { failed: 1, succeeded: 5, total: 10 })).toBeNull();
    expect(shouldHalt(parseHalt("soon,fail=2"), { failed: 2, succeeded: 0, total: 10 })).toMatch(
      /2 run\(s\) failed.*soon,fail=2/,
    );
    expect(shouldHalt(parseHalt("now,success=1"), { failed: 3, succeeded: 1, total: 10 })).toMatch(/succeeded/);
    expect(shouldHalt(parseHalt("soon,done=4"), { failed: 2, succeeded: 2, total: 10 })).toMatch(/4 run\(s\) finished/);
    expect(shouldHalt(parseHalt("never"), { failed: 10, succeeded: 0, total: 10 })).toBeNull();
  });

  it("takes percentages of the runs this invocation runs", () => {
    expect(shouldHalt(parseHalt("soon,fail=30%"), { failed: 2, succeeded: 0, total: 10 })).toBeNull();
    expect(shouldHalt(parseHalt("soon,fail=30%"), { failed: 3, succeeded: 0, total: 10 })).toMatch(/3 of 10.*30\.0%/);
  });
});

describe("exitCodeFor", () => {
  it("is the number of failed runs, capped at 101 as GNU parallel does", () => {
    expect([0, 1, 7, 100, 101, 102, 5000].map(exitCodeFor)).toEqual([0, 1, 7, 100, 101, 101, 101]);
    expect(() => exitCodeFor(-1)).toThrow(RangeError);
  });
});
