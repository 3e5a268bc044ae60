import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../../runtime/util/seeded-random.ts";
import { rows, withConnection } from "../connection.ts";
import { EVENT_COLUMNS, type EventColumn } from "../event-columns.ts";
import { quoteLiteral } from "../sql.ts";
import { buildKindPlans, isNested } from "./kind-plans.ts";
import { transcodeFile, type TranscodeResult } from "./transcode-file.ts";

const dir = mkdtempSync(join(tmpdir(), "transcode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plans = buildKindPlans(EVENT_COLUMNS);
let n = 0;

/** Transcodes `text` as one events file; answers the result and each kind's rows as DuckDB reads them. */
async function transcode(text: string | Buffer, rowGroupRows?: number) {
  const name = `f${n++}`;
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, text);
  const out = join(dir, name);
  const result = transcodeFile(
    { path, runKey: "runA", sourceFile: `runA/events/${name}.jsonl`, outDir: out, stem: "p", rowGroupRows },
    plans,
  );
  const byKind: Record<string, Record<string, unknown>[]> = {};
  await withConnection(":memory:", async (con) => {
    for (const p of result.parquet) {
      byKind[p.kind] = await rows(con, `SELECT * FROM read_parquet(${quoteLiteral(p.path)})`);
    }
  });
  return { result, byKind };
}

const kept = (r: TranscodeResult) => r.parquet.reduce((s, p) => s + p.rows, 0);

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

describe("transcodeFile", () => {
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
    const { result, byKind } = await transcode(`${JSON.stringify(hop)}\n${JSON.stringify(bid)}\n`);
    expect([result.lines, kept(result), result.tornLastLine]).toEqual([2, 2, false]);
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
    const { result, byKind } = await transcode(lines.join("\n") + "\n");
    expect(kept(result)).toBe(2);
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

  it("counts a line invalid when it is not one object, has an unknown kind, or a missing, null or mistyped required field", async () => {
    const bad = [
      "",
      "   ",
      "[1,2]",
      '"proxy_hop"',
      "{",
      JSON.stringify(hop) + "x",
      JSON.stringify(hop) + "{}",
      JSON.stringify({ ...hop, kind: "no_such_kind" }),
      JSON.stringify({ ...hop, kind: undefined }),
      JSON.stringify({ ...hop, reqId: undefined }),
      JSON.stringify({ ...hop, reqId: null }),
      JSON.stringify({ ...hop, reqId: 7 }),
      JSON.stringify({ ...hop, status: "200" }),
      JSON.stringify({ ...hop, firstHop: 1 }),
      JSON.stringify(hop).replace('"t":1.5', '"t":01.5'),
      JSON.stringify(hop).replace('"t":1.5', '"t":-'),
      JSON.stringify(hop).replace('"t":1.5', '"t":1.'),
      JSON.stringify(hop).replace('"t":1.5', '"t":tru'),
      JSON.stringify(hop).replace('"q1"', '"q\\ud800"'), // a lone surrogate has no UTF-8
      JSON.stringify(hop).replace('"q1"', '"q\u0001"'), // a raw control character
    ];
    const nonUtf8 = Buffer.concat([
      Buffer.from(JSON.stringify(hop).replace('"q1"', '"q')),
      Buffer.from([0xff, 0x22, 0x7d]),
    ]);
    const text = Buffer.concat([Buffer.from(bad.join("\n") + "\n"), nonUtf8, Buffer.from(`\n${JSON.stringify(hop)}`)]);
    const { result } = await transcode(text);
    expect([result.lines, kept(result), result.tornLastLine]).toEqual([bad.length + 2, 1, true]);
  });

  it("keeps nested fields as their JSON text (the view parses them) and optional fields as NULL", async () => {
    const notArray = { ...auction, bids: { nodeId: "n1" } };
    const { result, byKind } = await transcode(`${JSON.stringify(auction)}\n${JSON.stringify(notArray)}\n`);
    expect(kept(result)).toBe(1);
    expect(byKind.auction_result![0]).toMatchObject({
      bids: JSON.stringify(auction.bids),
      refusals: "[]",
      price: null,
      winning_bid: null,
    });
  });

  it("reads a 9 MiB line, and cuts row groups", async () => {
    const long = { ...hop, tags: "x".repeat(9 << 20) };
    const many = Array.from({ length: 50 }, (_, i) => JSON.stringify({ ...hop, t: i }));
    const { result, byKind } = await transcode([JSON.stringify(long), ...many].join("\n") + "\n", 7);
    expect(kept(result)).toBe(51);
    expect((byKind.proxy_hop![0]!.tags as string).length).toBe(9 << 20);
    expect(byKind.proxy_hop!.slice(1).map((r) => r.t)).toEqual(many.map((_, i) => i));
  });

  it("counts a line longer than 16 MiB invalid and reads on", async () => {
    const long = JSON.stringify({ ...hop, tags: "x".repeat(16 << 20) });
    const { result, byKind } = await transcode(
      [JSON.stringify(hop), long, JSON.stringify({ ...hop, t: 2 })].join("\n"),
    );
    expect([result.lines, kept(result), result.tornLastLine]).toEqual([3, 2, true]);
    expect(byKind.proxy_hop!.map((r) => r.t)).toEqual([1.5, 2]);
  });

  it("leaves a nested value with a broken escape to the general path: no merged lines, no bad UTF-8", async () => {
    const full = JSON.stringify({ ...auction, bids: [{ nodeId: "n1", bidId: "b1X", bid: 3, verdict: "valid" }] });
    const at = full.indexOf('"bids":[') + 8;
    // a line cut inside a bid's string just after a backslash, and the rest of it on the next line
    const cut = `${full.slice(0, at)}"\\`;
    const rest = `",{"nodeId":"n1"}],${full.slice(full.indexOf('"refusals"'))}`;
    const split = await transcode([full, cut, rest, full].join("\n") + "\n");
    expect([split.result.lines, kept(split.result)]).toEqual([4, 2]);
    // a backslash before a byte that is not UTF-8
    const [before, after] = full.split("b1X") as [string, string];
    const bad = Buffer.concat([Buffer.from(`${before}b1`), Buffer.from([0x5c, 0xff]), Buffer.from(`${after}\n`)]);
    const invalid = await transcode(Buffer.concat([Buffer.from(`${full}\n`), bad, Buffer.from(`${full}\n`)]));
    expect([invalid.result.lines, kept(invalid.result)]).toEqual([3, 2]);
    // a torn last line ending in that backslash, after a file whose bytes are still in memory past the data's end
    await transcode(`${full}\n`.repeat(3));
    const torn = await transcode(`${full}\n${cut}`);
    expect([torn.result.lines, kept(torn.result), torn.result.tornLastLine]).toEqual([2, 1, true]);
  });

  it("agrees with JSON.parse on every line and value of a seeded fuzz of damaged events, on both paths", async () => {
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
    const { result, byKind } = await transcode(lines.join("\n") + "\n");
    expect(result.lines).toBe(lines.length);
    expect(kept(result)).toBe(expected.length);
    const kinds = ["proxy_hop", "resource_usage", "auction_result"];
    const got = kinds.flatMap((kind) => (byKind[kind] ?? []).map((r) => sameOrder(kind, r, true)));
    const want = kinds.flatMap((kind) => expected.filter((e) => e.kind === kind).map((e) => sameOrder(kind, e.row)));
    expect(got).toEqual(want);
    expect(expected.length).toBeGreaterThan(750); // the fuzz keeps enough valid lines to mean something
    expect(expected.length).toBeLessThan(4350);
    expect(byKind.auction_result!.length).toBeGreaterThan(250);
    // both paths took a fair share: the fast one the untouched lines, the general one the rest
    expect(result.fastLines).toBeGreaterThan(750);
    expect(result.fastLines).toBeLessThan(expected.length);
  });

  it("converts numbers exactly as JSON.parse does, on the fast path", async () => {
    const random = seededRandom("transcode-numbers");
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
    const texts = [
      ...["0", "-0", "0.0", "0.1", "0.30000000000000004", "9007199254740991", "9007199254740992", "9007199254740993"],
      ...[
        "9007199254740995",
        "1795970578657.4824",
        "123456789012345678.9",
        "9999999999999999999",
        "1.7976931348623157",
      ],
      ...["4.9406564584124654", "0.000000000000000000001", "2.2250738585072014", "18446744073709551615", "5e-324"],
    ];
    for (let i = 0; i < 4000; i++) {
      // every split of up to 19 digits between the whole part and the fraction (the exponents the fast path meets)
      const whole = 1 + Math.floor(random() * 17);
      const fraction = Math.floor(random() * (20 - whole));
      const int = whole === 1 ? digits(1) : `${1 + Math.floor(random() * 9)}${digits(whole - 1)}`;
      texts.push(`${random() < 0.2 ? "-" : ""}${int}${fraction > 0 ? `.${digits(fraction)}` : ""}`);
    }
    const line = (x: string) =>
      `{"t":${x},"run":"r","source":"n","kind":"resource_usage","nodeId":"n1","cpuUsedMilli":${x},` +
      `"cpuAvailableMilli":1,"memoryUsedBytes":${x},"memoryAvailableBytes":2}`;
    const { result, byKind } = await transcode(["1", ...texts].map(line).join("\n") + "\n");
    const rows = byKind.resource_usage!.slice(1);
    expect(rows.length).toBe(texts.length);
    const wrong = texts.filter(
      (x, i) => !Object.is(rows[i]!.t, Number(x)) || !Object.is(rows[i]!.memory_used_bytes, Number(x)),
    );
    expect(wrong).toEqual([]);
    // the fast path takes plain decimals of up to 19 digits (the first line, which teaches the shape, excepted) but
    // for the few Eisel-Lemire cannot decide (a decimal halfway between two doubles): the general path takes those
    const plain = texts.filter((x) => /^-?\d+(\.\d+)?$/.test(x) && x.replace(/\D/g, "").length <= 19);
    expect(plain.length).toBeGreaterThan(3000);
    expect(result.fastLines).toBeLessThanOrEqual(plain.length);
    // a timestamp that is a double exactly (a sixteenth of a millisecond) is one Eisel-Lemire cannot decide alone
    const exact = Array.from({ length: 200 }, (_, k) => String(1795970578657 + k / 16 + (k % 2) * 1e-4));
    const again = await transcode(["1", ...exact].map(line).join("\n") + "\n");
    expect(again.byKind.resource_usage!.slice(1).map((r) => r.t)).toEqual(exact.map(Number));
    expect(again.result.fastLines).toBe(exact.length);
    expect(result.fastLines).toBeGreaterThan(plain.length * 0.99);
  });

  it("keeps each kind's rows in file order when long values and other kinds interleave", async () => {
    const kinds = ["proxy_hop", "resource_usage"];
    const usage = { t: 1, run: "r", source: "n", kind: "resource_usage", nodeId: "n1", cpuUsedMilli: 1 };
    const full = { ...usage, cpuAvailableMilli: 2, memoryUsedBytes: 3, memoryAvailableBytes: 4 };
    const lines = Array.from({ length: 9000 }, (_, i) =>
      i % 3 === 0
        ? JSON.stringify({ ...full, t: i })
        : JSON.stringify({ ...hop, t: i, tags: i % 1000 === 1 ? "x".repeat(300 << 10) : `tag-${i}` }),
    );
    const { result, byKind } = await transcode(lines.join("\n") + "\n", 1000);
    expect(kept(result)).toBe(9000);
    expect(byKind.proxy_hop!.map((r) => r.t)).toEqual(lines.flatMap((_, i) => (i % 3 === 0 ? [] : [i])));
    expect(byKind.resource_usage!.map((r) => r.t)).toEqual(lines.flatMap((_, i) => (i % 3 === 0 ? [i] : [])));
    const long = lines.filter((l) => l.length > 1000 && l.includes("proxy_hop")).length;
    expect(long).toBe(6);
    expect(byKind.proxy_hop!.filter((r) => (r.tags as string).length > 1000).length).toBe(long);
    expect(result.fastLines).toBeGreaterThan(8900);
    expect(kinds).toEqual(Object.keys(byKind).sort());
  });
});

/** The row a line should give, by the rule written the slow obvious way; undefined for an invalid line. */
function expectedRow(line: string): { kind: string; row: Record<string, unknown> } | undefined {
  if (!acceptedByReference(line)) return undefined;
  const event = JSON.parse(line) as Record<string, unknown>;
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

/** The rule, written the slow obvious way: one JSON object, a known kind, each column's JSON type. */
function acceptedByReference(line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
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
