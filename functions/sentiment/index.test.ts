// The sentiment function: the AFINN scorer in-process on known sentences, then the real process on loopback.
import { describe, expect, it } from "vitest";
import { itHonoursTheContract, post, startFunction } from "../lib/testing/function-process.ts";
import { analyse, splitSentences } from "./analyse.ts";

interface Answer {
  polarity: number;
  sentence_count: number;
  sentences: { polarity: number; score: number }[];
}

describe("sentiment scorer", () => {
  it("splits sentences at end punctuation and blank lines", () => {
    expect(splitSentences("I love it! Is it good? Yes.\n\nNew paragraph")).toEqual([
      "I love it!",
      "Is it good?",
      "Yes.",
      "New paragraph",
    ]);
    expect(splitSentences("  ... !  ")).toEqual([]);
  });

  it("gives the expected sign on known sentences", () => {
    expect(analyse("This is a wonderful, happy day.").polarity).toBeGreaterThan(0);
    expect(analyse("The service was terrible and I hate waiting.").polarity).toBeLessThan(0);
    expect(analyse("The train leaves at noon.").polarity).toBe(0);
    expect(analyse("This is not good.").polarity).toBeLessThan(0);
  });

  it("averages the polarity over sentences, within [-1, 1]", () => {
    const mixed = analyse("I love this. I hate that.");
    expect(mixed.sentence_count).toBe(2);
    const [a, b] = mixed.sentences.map((s) => s.polarity);
    expect(mixed.polarity).toBeCloseTo((a! + b!) / 2, 12);
    for (const text of ["Superb superb superb!", "Awful, catastrophic disaster."]) {
      expect(Math.abs(analyse(text).polarity)).toBeLessThanOrEqual(1);
    }
  });
});

describe("functions/sentiment", () => {
  itHonoursTheContract("sentiment", {
    valid: { body: { text: "Fog computing is great." } },
    malformed: [
      { name: "no text", body: {}, field: "text" },
      { name: "text number", body: { text: 3 }, field: "text" },
      { name: "empty text", body: { text: "   " }, field: "text" },
      { name: "empty body", body: undefined, field: "text" },
      { name: "not JSON", body: "{oops", headers: { "content-type": "application/json" }, field: "body" },
      {
        name: "octet-stream",
        body: "x",
        headers: { "content-type": "application/octet-stream" },
        field: "content-type",
        status: 415,
      },
      { name: "oversized text", body: { text: "good ".repeat(20_000) }, field: "text", status: 413 },
      { name: "oversized body", body: { text: "x".repeat(200_000) }, field: "body", status: 413 },
    ],
  });

  it("answers {polarity, sentence_count} with the expected signs, from JSON and from text/plain", async () => {
    const { url } = await startFunction("sentiment");
    const positive = (await post(`${url}/`, { text: "What a lovely morning. The coffee is excellent!" })).json();
    expect(positive).toMatchObject({ sentence_count: 2 });
    expect((positive as Answer).polarity).toBeGreaterThan(0);
    const plain = await post(`${url}/`, "This is a horrible, sad mistake.", { "content-type": "text/plain" });
    expect(plain.status).toBe(200);
    expect((plain.json() as Answer).polarity).toBeLessThan(0);
    expect((plain.json() as Answer).sentence_count).toBe(1);
  });
});
