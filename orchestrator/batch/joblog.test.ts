import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import defaultFs from "./default-fs.ts";
import { commandLine, formatJoblogLine, gnuQuote, parseJoblogLine } from "./joblog.ts";
import { LineAppender, readLineFile } from "./line-file.ts";
import { tempCampaign } from "./testing/helpers.ts";
import type { RunRecord } from "./types.ts";

describe("gnuQuote", () => {
  it("quotes words as GNU parallel's Q() does", () => {
    expect(gnuQuote("run-01_a.b/c+d")).toBe("run-01_a.b/c+d");
    expect(gnuQuote("a b")).toBe("'a b'");
    expect(gnuQuote("d'e")).toBe(`'d'"'"'e'`);
    expect(gnuQuote("'x'")).toBe(`"'"'x'"'"`);
    expect(gnuQuote("")).toBe("''");
  });
});

describe("commandLine", () => {
  it("encodes the run key: in the argv, as an environment prefix, or as giraff-run", () => {
    expect(commandLine("k1", ["node", "w.mjs", "k1"])).toBe("node w.mjs k1");
    expect(commandLine("k1", ["sh", "-c", "exit 3"])).toBe("GIRAFF_RUN_KEY=k1 sh -c 'exit 3'");
    expect(commandLine("k1", undefined)).toBe("giraff-run k1");
  });
});

describe("joblog lines", () => {
  const record: RunRecord = {
    ...{ runKey: "k2", seq: 2, params: {}, attempt: 1, final: true, timedOut: true, cancelled: false },
    ...{
      startedAt: 1_700_000_000_123,
      endedAt: 1_700_000_001_228,
      exit: -1,
      signal: 15,
      command: "giraff-run k2",
      receive: 42,
    },
  };

  it("formats Starttime and JobRuntime as GNU does, TAB-separated", () => {
    expect(formatJoblogLine(record)).toBe("2\t:\t1700000000.123\t     1.105\t0\t42\t-1\t15\tgiraff-run k2");
  });

  it("parses its own lines and keeps TABs inside the command", () => {
    expect(parseJoblogLine(formatJoblogLine({ ...record, command: "printf 'a\tb'" }))).toMatchObject({
      ...{ seq: 2, host: ":", startTime: 1700000000.123, runtime: 1.105, exit: -1, signal: 15 },
      command: "printf 'a\tb'",
    });
    expect(parseJoblogLine("2\t:\t17000")).toBeNull();
  });
});

describe("line files", () => {
  it("read a torn last line apart, and the next append starts on a new line", async () => {
    const path = join(await tempCampaign(), "runs.jsonl");
    await writeFile(path, '{"a":1}\n{"b":');
    const before = await readLineFile(defaultFs, path);
    expect(before).toMatchObject({ exists: true, lines: ['{"a":1}'], torn: '{"b":', cleanLength: 8 });
    const out = await LineAppender.open(defaultFs, path);
    await out.append('{"c":3}');
    await out.append('{"d":4}');
    await out.close();
    expect(await readFile(path, "utf8")).toBe('{"a":1}\n{"b":\n{"c":3}\n{"d":4}\n');
  });

  it("write the header only into an empty file", async () => {
    const path = join(await tempCampaign(), "joblog");
    for (let i = 0; i < 2; i++) {
      const out = await LineAppender.open(defaultFs, path, { header: "H" });
      await out.append(`line ${i}`);
      await out.close();
    }
    expect(await readFile(path, "utf8")).toBe("H\nline 0\nline 1\n");
    expect((await readLineFile(defaultFs, join(path, "..", "missing"))).exists).toBe(false);
  });
});
