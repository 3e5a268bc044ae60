import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as fsPromises from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../runtime/util/seeded-random.ts";
import { rows, withConnection } from "./connection.ts";
import { countLines } from "./count-lines.ts";
import { EVENT_COLUMNS, isNested, readJsonFields, type EventColumn } from "./event-columns.ts";
import { readRunEvents } from "./read-events.ts";
import { quoteLiteral } from "./sql.ts";

const dir = mkdtempSync(join(tmpdir(), "read-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** `text` as one events file, counted and read as ingestion does; answers the counts and each kind's stored rows. */
async function read(text: string | Buffer, rowGroupRows?: number) {
  const name = `f${n++}`;
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, text);
  const outDir = join(dir, name);
  const count = await countLines(path, fsPromises);
  const byKind: Record<string, Record<string, unknown>[]> = {};
  const kept = await withConnection(":memory:", async (con) => {
    const valid = await readRunEvents(con, {
      runKey: "runA",
      files: [{ path, rel: `runA/events/${name}.jsonl` }],
      outDir,
      rowGroupRows,
    });
    for (const [kind, columns] of Object.entries(EVENT_COLUMNS)) {
      if (!existsSync(join(outDir, `kind=${kind}`))) continue;
      const files = quoteLiteral(join(outDir, `kind=${kind}`, "*.parquet"));
      const select = ["run_key", "source_format", "source_file", ...columns.map((c) => c.column)].join(", ");
      byKind[kind] = await rows(con, `SELECT ${select} FROM read_parquet(${files}, hive_partitioning = false)`);
    }
    return valid.get(path)!;
  });
  return { ...count, kept, byKind };
}

const hop = {
  t: 1.5,
  run: "r",
  source: "proxy-n1",
  kind: "proxy_hop",
  reqId: "q1",
  slaId: "s1",
  tags: "<no-tags>",
  firstHop: true,
  receivedAt: 10,
  respondedAt: 12.25,
  serviceStatus: 200,
  status: 200,
};

const auction = {
  t: 1,
  run: "r",
  source: "market",
  kind: "auction_result",
  slaId: "s1",
  functionName: "f",
  targetNode: "n1",
  rule: "second-price",
  startedAt: 0,
  durationMs: 4,
  outcome: "awarded",
  winner: "n1",
  bids: [{ nodeId: "n1", bidId: "b1", bid: 3, verdict: "valid" }],
  refusals: [],
  paymentAttempts: [{ nodeId: "n1", ok: true }],
};

describe("countLines", () => {
  it("counts newline-terminated lines, a non-empty tail as one more, blank lines included", async () => {
    const path = join(dir, "count.txt");
    writeFileSync(path, "");
    expect(await countLines(path, fsPromises)).toEqual({ bytes: 0, lines: 0, tornLastLine: false });
    writeFileSync(path, "a\n\n\r\n");
    expect(await countLines(path, fsPromises)).toEqual({ bytes: 5, lines: 3, tornLastLine: false });
    // across the 1 MiB chunks, where a stale byte of the previous chunk must not count
    writeFileSync(path, `${"x".repeat((1 << 20) - 1)}\n${"y\n".repeat(10)}z`);
    expect(await countLines(path, fsPromises)).toMatchObject({ lines: 12, tornLastLine: true });
    appendFileSync(path, "\n");
    expect(await countLines(path, fsPromises)).toMatchObject({ lines: 12, tornLastLine: false });
  });
});

describe("readRunEvents", () => {
  it("stores each kind's fields with their types, the origin columns constant", async () => {
    const bid = {
      t: 2,
      run: "r",
      source: "n1",
      kind: "bid",
      slaId: "s1",
      functionName: "f",
      nodeId: "n1",
      bidId: "b",
      bid: 3,
      price: 4,
      strategy: "auction",
      valuation: "linear",
    };
    const { lines, kept, tornLastLine, byKind } = await read(`${JSON.stringify(hop)}\n${JSON.stringify(bid)}\n`);
    expect([lines, kept, tornLastLine]).toEqual([2, 2, false]);
    expect(byKind.proxy_hop).toEqual([
      {
        run_key: "runA",
        source_format: "giraff-ts",
        source_file: expect.stringMatching(/^runA\/events\/f\d+\.jsonl$/),
        t: 1.5,
        run: "r",
        source: "proxy-n1",
        req_id: "q1",
        sla_id: "s1",
        tags: "<no-tags>",
        first_hop: true,
        received_at: 10,
        responded_at: 12.25,
        service_status: 200,
        status: 200,
        url: null,
        error: null,
      },
    ]);
    expect(byKind.bid![0]).toMatchObject({ sla_id: "s1", bid: 3, price: 4, valuation: "linear" });
  });

  it("reads JSON as JSON.parse does: whitespace, key order, escapes, unknown keys, numbers", async () => {
    const lines = [
      ` { "kind" : "proxy_hop", "status":200,"serviceStatus":200,"respondedAt":1e3,"receivedAt":-0.5,"firstHop":false,\t"tags":"a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00","slaId":"s","reqId":"é-ü","extra":{"x":[1,"]"]},"source":"s","run":"r","t":1234567890123456789012 }\r`,
      JSON.stringify({ ...hop, t: 0.1 + 0.2, receivedAt: 1.700000000000123e12, respondedAt: 123456789.123456 }),
    ];
    const { kept, byKind } = await read(lines.join("\n") + "\n");
    expect(kept).toBe(2);
    const [a, b] = byKind.proxy_hop!;
    expect(a).toMatchObject({
      t: Number("1234567890123456789012"),
      received_at: -0.5,
      responded_at: 1000,
      first_hop: false,
      tags: 'a"b\\c\né😀',
      req_id: "é-ü",
    });
    expect(b).toMatchObject({ t: 0.1 + 0.2, received_at: 1.700000000000123e12, responded_at: 123456789.123456 });
  });

  it("counts a line invalid when it is not one object, is merged with the next, has an unknown kind, or lacks a required field", async () => {
    const line = JSON.stringify(hop);
    const bad = [
      "",
      "   ",
      "[1,2]",
      '"proxy_hop"',
      "{",
      line + "x",
      line + line, // two events merged on one line (a lost newline)
      line + " " + line,
      JSON.stringify({ ...hop, kind: "no_such_kind" }),
      JSON.stringify({ ...hop, kind: undefined }),
      JSON.stringify({ ...hop, reqId: undefined }),
      JSON.stringify({ ...hop, reqId: null }),
      JSON.stringify({ ...hop, t: "x" }),
      JSON.stringify({ ...hop, firstHop: "maybe" }),
      line.replace('"t":1.5', '"t":01.5'),
      line.replace('"t":1.5', '"t":-'),
      line.replace('"t":1.5', '"t":1.'),
      line.replace('"t":1.5', '"t":tru'),
      line.replace('"q1"', '"q\\ud800"'), // a lone surrogate has no UTF-8
      line.replace('"q1"', '"q\u0001"'), // a raw control character
      line.replace('"q1"', '"q\\x"'), // an escape JSON does not have
    ];
    const nonUtf8 = Buffer.concat([Buffer.from(line.replace('"q1"', '"q')), Buffer.from([0xff, 0x22, 0x7d])]);
    const text = Buffer.concat([Buffer.from(bad.join("\n") + "\n"), nonUtf8, Buffer.from(`\n${line}`)]);
    const got = await read(text);
    expect([got.lines, got.kept, got.tornLastLine]).toEqual([bad.length + 2, 1, true]);
  });

  it("keeps nested fields as their JSON text (the view parses them), optional fields as NULL; a nested field of the wrong JSON type is invalid", async () => {
    const notArray = { ...auction, bids: { nodeId: "n1" } };
    const text = { ...auction, refusals: "none" };
    const lines = [auction, notArray, text].map((e) => JSON.stringify(e));
    const { kept, byKind } = await read(`${lines.join("\n")}\n`);
    expect(kept).toBe(1);
    expect(byKind.auction_result![0]).toMatchObject({
      bids: JSON.stringify(auction.bids),
      refusals: "[]",
      price: null,
      winning_bid: null,
    });
  });

  it("reads lines of 9 and 17 MiB, and cuts row groups", async () => {
    const long = { ...hop, tags: "x".repeat(9 << 20) };
    const longer = { ...hop, tags: "y".repeat(17 << 20) };
    const many = Array.from({ length: 50 }, (_, i) => JSON.stringify({ ...hop, t: i }));
    const text = [JSON.stringify(long), ...many, JSON.stringify(longer)].join("\n") + "\n";
    const { kept, byKind } = await read(text, 7);
    expect(kept).toBe(52);
    const tags = byKind.proxy_hop!.map((r) => (r.tags as string).length).sort((a, b) => a - b);
    expect(tags.slice(-2)).toEqual([9 << 20, 17 << 20]);
    const times = byKind.proxy_hop!.map((r) => r.t as number).sort((a, b) => a - b);
    expect(times).toEqual([...many.map((_, i) => i), 1.5, 1.5].sort((a, b) => a - b));
  });

  it("counts a line cut inside an escaped string, and the rest of it on the next line, as two invalid lines, never one merged event", async () => {
    const full = JSON.stringify({ ...auction, bids: [{ nodeId: "n1", bidId: "b1X", bid: 3, verdict: "valid" }] });
    const at = full.indexOf('"bids":[') + 8;
    const cut = `${full.slice(0, at)}"\\`;
    const rest = `",{"nodeId":"n1"}],${full.slice(full.indexOf('"refusals"'))}`;
    const split = await read([full, cut, rest, full].join("\n") + "\n");
    expect([split.lines, split.kept]).toEqual([4, 2]);
    // a backslash before a byte that is not UTF-8
    const [before, after] = full.split("b1X") as [string, string];
    const bad = Buffer.concat([Buffer.from(`${before}b1`), Buffer.from([0x5c, 0xff]), Buffer.from(`${after}\n`)]);
    const invalid = await read(Buffer.concat([Buffer.from(`${full}\n`), bad, Buffer.from(`${full}\n`)]));
    expect([invalid.lines, invalid.kept]).toEqual([3, 2]);
    // a torn last line ending in that backslash
    const torn = await read(`${full}\n${cut}`);
    expect([torn.lines, torn.kept, torn.tornLastLine]).toEqual([2, 1, true]);
  });

  it("agrees with JSON.parse on a seeded fuzz of damaged events, but for the rules DuckDB's reader has of its own", async () => {
    const random = seededRandom("transcode-fuzz");
    const samples = [
      hop,
      {
        t: 1795970578657.4824,
        run: "r",
        source: "n",
        kind: "resource_usage",
        nodeId: "n1",
        cpuUsedMilli: 5,
        cpuAvailableMilli: 10,
        memoryUsedBytes: 1,
        memoryAvailableBytes: 2,
      },
      { ...auction, bids: [{ nodeId: "n1", bidId: 'b"1\\', bid: 3, verdict: "valid" }, { nodeId: "n2" }] },
    ];
    const lines: string[] = [];
    for (let i = 0; i < 4500; i++) {
      let line = JSON.stringify(samples[i % samples.length]);
      const cuts = Math.floor(random() * 3);
      for (let k = 0; k < cuts; k++) {
        const at = Math.floor(random() * line.length);
        const op = random();
        const ch = '{}[]":,0-.e tfn\\"a\u00e9'[Math.floor(random() * 19)]!;
        line =
          op < 0.4
            ? line.slice(0, at) + line.slice(at + 1)
            : op < 0.8
              ? line.slice(0, at) + ch + line.slice(at)
              : line.slice(0, at) + ch + line.slice(at + 1);
      }
      lines.push(line.replaceAll("\n", ""));
    }
    const expected = lines.flatMap((l) => expectedRow(l) ?? []);
    const { lines: counted, kept, byKind } = await read(lines.join("\n") + "\n");
    expect(counted).toBe(lines.length);
    expect(kept).toBe(expected.length);
    const kinds = ["proxy_hop", "resource_usage", "auction_result"];
    // rows are compared as sets: they need not keep their file order
    const sorted = (values: unknown[][]) => values.map((v) => JSON.stringify(v)).sort();
    const got = kinds.flatMap((kind) => (byKind[kind] ?? []).map((r) => sameOrder(kind, r, true)));
    const want = kinds.flatMap((kind) => expected.filter((e) => e.kind === kind).map((e) => sameOrder(kind, e.row)));
    expect(sorted(got)).toEqual(sorted(want));
    expect(expected.length).toBeGreaterThan(750); // the fuzz keeps enough valid lines to mean something
    expect(expected.length).toBeLessThan(4350);
    expect(byKind.auction_result!.length).toBeGreaterThan(250);
  });

  it("converts numbers exactly as JSON.parse does", async () => {
    const random = seededRandom("transcode-numbers");
    const digits = (k: number) => Array.from({ length: k }, () => Math.floor(random() * 10)).join("");
    const texts = [
      ...["0", "-0", "0.0", "0.1", "0.30000000000000004", "9007199254740991", "9007199254740992", "9007199254740993"],
      ...["9007199254740995", "1795970578657.4824", "123456789012345678.9", "9999999999999999999"],
      ...["4.9406564584124654", "0.000000000000000000001", "2.2250738585072014", "18446744073709551615", "5e-324"],
    ];
    for (let i = 0; i < 3000; i++) {
      const whole = 1 + Math.floor(random() * 17);
      const fraction = Math.floor(random() * (20 - whole));
      const int = whole === 1 ? digits(1) : `${1 + Math.floor(random() * 9)}${digits(whole - 1)}`;
      texts.push(`${random() < 0.2 ? "-" : ""}${int}${fraction > 0 ? `.${digits(fraction)}` : ""}`);
    }
    texts.push(...Array.from({ length: 200 }, (_, k) => String(1795970578657 + k / 16 + (k % 2) * 1e-4)));
    // the line's index in cpuUsedMilli, as rows need not keep their file order
    const line = (x: string, i: number) =>
      `{"t":${x},"run":"r","source":"n","kind":"resource_usage","nodeId":"n1","cpuUsedMilli":${i},` +
      `"cpuAvailableMilli":1,"memoryUsedBytes":${x},"memoryAvailableBytes":2}`;
    const { byKind } = await read(texts.map(line).join("\n") + "\n");
    const stored = byKind.resource_usage!.sort((a, b) => (a.cpu_used_milli as number) - (b.cpu_used_milli as number));
    expect(stored.length).toBe(texts.length);
    const wrong = texts.filter(
      // DuckDB reads -0 as 0 (its rule, not JSON.parse's)
      (x, i) => !Object.is(stored[i]!.t, Number(x) || 0) || !Object.is(stored[i]!.memory_used_bytes, Number(x) || 0),
    );
    expect(wrong).toEqual([]);
  });

  it("reads and writes relative paths from the working directory, whatever the connection's file_search_path", async () => {
    const path = join(dir, "relative.jsonl");
    writeFileSync(path, `${JSON.stringify(hop)}\n`);
    const rel = relative(process.cwd(), path);
    const outDir = relative(process.cwd(), join(dir, "relative-out"));
    const valid = await withConnection(":memory:", async (con) => {
      // another folder, as connection.ts sets the database's: a relative path looked up there finds nothing
      const elsewhere = join(dir, "a", "b", "c");
      mkdirSync(elsewhere, { recursive: true });
      await con.run(`SET file_search_path = ${quoteLiteral(elsewhere)}`);
      return readRunEvents(con, { runKey: "runA", files: [{ path: rel, rel: "runA/events/x.jsonl" }], outDir });
    });
    expect([...valid]).toEqual([[rel, 1]]);
    const stored = await withConnection(":memory:", (con) =>
      rows(con, `SELECT source_file FROM read_parquet(${quoteLiteral(join(dir, "relative-out", "*", "*.parquet"))})`),
    );
    expect(stored).toEqual([{ source_file: "runA/events/x.jsonl" }]);
  });

  it("reads every field of every kind with one type", () => {
    const fields = readJsonFields();
    expect(fields.get("t")).toBe("DOUBLE");
    expect(fields.get("bids")).toBe("JSON");
    expect(fields.size).toBeGreaterThan(50);
  });
});

/** The row a line should give, by the rule written the slow obvious way; undefined for an invalid line. */
function expectedRow(line: string): { kind: string; row: Record<string, unknown> } | undefined {
  if (!acceptedByReference(line)) return undefined;
  const event = parseAsDuckDb(line) as Record<string, unknown>;
  const kind = event.kind as string;
  const columns = (EVENT_COLUMNS as Record<string, EventColumn[]>)[kind]!;
  return { kind, row: Object.fromEntries(columns.map((c) => [c.column, event[c.field] ?? null])) };
}

/** The event columns of a row, in schema order (the origin columns left out); `stored`: as DuckDB gave them. */
function sameOrder(kind: string, row: Record<string, unknown>, stored = false): unknown[] {
  return (EVENT_COLUMNS as Record<string, EventColumn[]>)[kind]!.map((c) => {
    const v = row[c.column];
    if (!stored || typeof v !== "string") return v;
    // DuckDB's JSON rows give ±Infinity (a number too big for a double, as JSON.parse reads it) as a string
    return isNested(c) ? JSON.parse(v) : c.type === "DOUBLE" ? Number(v) : v;
  });
}

/**
 * JSON.parse, and the one thing DuckDB's reader (yyjson) takes that it refuses: a trailing comma in an object or an
 * array (the fuzz puts no `,}` or `,]` inside a string, so removing them outside strings is this simple).
 */
function parseAsDuckDb(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return JSON.parse(line.replace(/,(\s*[}\]])/g, "$1"));
  }
}

/** The rule, written the slow obvious way: one JSON object, a known kind, each column's JSON type. */
function acceptedByReference(line: string): boolean {
  let value: unknown;
  try {
    value = parseAsDuckDb(line);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const event = value as Record<string, unknown>;
  const columns: EventColumn[] | undefined = (EVENT_COLUMNS as Record<string, EventColumn[]>)[String(event.kind)];
  if (typeof event.kind !== "string" || columns === undefined) return false;
  return columns.every((c) => {
    const v = event[c.field];
    if (v === undefined || v === null) return !c.required;
    if (c.type === "DOUBLE") return typeof v === "number";
    if (c.type === "VARCHAR") return typeof v === "string" && !/[\ud800-\udfff]/u.test(v);
    if (c.type === "BOOLEAN") return typeof v === "boolean";
    return typeof v === "object";
  });
}
