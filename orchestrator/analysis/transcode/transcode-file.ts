/**
 * One events file (`events/<process>.jsonl`) into Parquet, one file per kind it holds: each line is scanned in place
 * (json-line.ts), checked against its kind's columns (a required field missing, null or of the wrong JSON type, an
 * unknown kind, a line that is not one JSON object, or bad UTF-8 makes the line invalid, counted, never fatal), and
 * its values are appended to that kind's Parquet writer (a nested field as its JSON text, kind-plans.ts). Only
 * reads the events file; writes `<kind>/<stem>.parquet` under `outDir`.
 */
import { isUtf8 } from "node:buffer";
import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { ParquetFileWriter } from "../parquet/writer.ts";
import {
  decodeEscaped,
  decodeNumber,
  FIELD_SLOTS,
  fields,
  FLAG_ESCAPED,
  MAX_FIELDS,
  scanLine,
  ValueType,
  valueFlags,
} from "./json-line.ts";
import {
  CODE_ARRAY,
  CODE_BOOLEAN,
  CODE_DOUBLE,
  CODE_VARCHAR,
  parquetSpecs,
  type KindPlan,
  type KindPlans,
} from "./kind-plans.ts";

export interface TranscodeJob {
  /** The events file. */
  path: string;
  runKey: string;
  /** Stored in `source_file` (the path relative to the campaign directory). */
  sourceFile: string;
  /** Where `<kind>/<stem>.parquet` is written. */
  outDir: string;
  stem: string;
  /** Rows per Parquet row group (tests make it small). */
  rowGroupRows?: number;
}

export interface TranscodeResult {
  path: string;
  bytes: number;
  /** Newline-terminated lines, plus one for a non-empty unterminated tail. */
  lines: number;
  tornLastLine: boolean;
  /** Per kind met: the Parquet file written and its rows (the valid lines). */
  parquet: { kind: string; path: string; rows: number }[];
}

const CHUNK = 8 << 20;
/** A longer line (an auction over many thousands of nodes) is counted invalid, as DuckDB's JSON reader would. */
export const MAX_LINE_BYTES = 16 << 20;

interface KindOutput {
  plan: KindPlan;
  writer: ParquetFileWriter;
  /** Column index of the member at each position, as last seen (lines of one kind repeat their key order). */
  order: Int32Array;
}

export function transcodeFile(job: TranscodeJob, plans: KindPlans): TranscodeResult {
  return new FileTranscoder(job, plans).run();
}

class FileTranscoder {
  private readonly outputs = new Map<string, KindOutput>();
  /** The member holding each column in the current line, valid where `stamp[c] === line`. */
  private readonly slots = new Int32Array(MAX_FIELDS);
  private readonly stamp = new Float64Array(MAX_FIELDS).fill(-1);
  private buf = Buffer.allocUnsafe(CHUNK);
  private lines = 0;
  private readonly known: { name: Buffer; out: KindOutput }[] = [];

  constructor(
    private readonly job: TranscodeJob,
    private readonly plans: KindPlans,
  ) {}

  run(): TranscodeResult {
    const { job } = this;
    let bytes = 0;
    let tornLastLine = false;
    const fd = openSync(job.path, "r");
    try {
      let start = 0;
      let end = 0;
      let skipping = false;
      for (;;) {
        if (start > 0) {
          this.buf.copy(this.buf, 0, start, end);
          end -= start;
          start = 0;
        }
        if (end === this.buf.length) {
          if (this.buf.length >= MAX_LINE_BYTES) {
            // an over-long line: drop what we have of it, count it once its newline comes
            skipping = true;
            end = 0;
          } else {
            const bigger = Buffer.allocUnsafe(this.buf.length * 2);
            this.buf.copy(bigger, 0, 0, end);
            this.buf = bigger;
          }
        }
        const buf = this.buf;
        const read = readSync(fd, buf, end, buf.length - end, null);
        if (read === 0) break;
        bytes += read;
        const scanFrom = end;
        end += read;
        let nl = buf.indexOf(10, scanFrom);
        while (nl !== -1 && nl < end) {
          if (skipping) {
            this.lines++;
            skipping = false;
          } else this.line(buf, start, nl);
          start = nl + 1;
          nl = buf.indexOf(10, start);
        }
      }
      if (skipping) {
        this.lines++;
        tornLastLine = true;
      } else if (end > start) {
        tornLastLine = true;
        if (end === this.buf.length) {
          const bigger = Buffer.allocUnsafe(end + 1);
          this.buf.copy(bigger, 0, start, end);
          this.buf = bigger;
          end -= start;
          start = 0;
        }
        this.buf[end] = 10; // the newline scanLine expects after a line
        this.line(this.buf, start, end);
      }
    } catch (err) {
      for (const o of this.outputs.values()) o.writer.abort();
      throw err;
    } finally {
      closeSync(fd);
    }
    const parquet = [...this.outputs].map(([kind, o]) => {
      o.writer.close();
      return { kind, path: o.writer.path, rows: o.writer.rows };
    });
    return { path: job.path, bytes, lines: this.lines, tornLastLine, parquet };
  }

  /** The output of the kind named by `buf[s, e)`, or undefined for an unknown kind. */
  private outputFor(buf: Buffer, s: number, e: number): KindOutput | undefined {
    // the kinds this file has met so far, compared as bytes: no string is made for a known kind
    const known = this.known;
    for (let i = 0; i < known.length; i++) {
      if (sameKey(buf, s, e, known[i]!.name)) return known[i]!.out;
    }
    const kind = buf.toString("latin1", s, e);
    const plan = this.plans.get(kind);
    if (plan === undefined) return undefined;
    const { job } = this;
    mkdirSync(join(job.outDir, kind), { recursive: true });
    const path = join(job.outDir, kind, `${job.stem}.parquet`);
    const writer = new ParquetFileWriter(path, parquetSpecs(plan, job.runKey, job.sourceFile), job.rowGroupRows);
    const out: KindOutput = { plan, writer, order: new Int32Array(MAX_FIELDS).fill(-1) };
    this.outputs.set(kind, out);
    known.push({ name: Buffer.from(kind, "latin1"), out });
    return out;
  }

  /** One line `buf[s, e)` (without its newline). */
  private line(buf: Buffer, s: number, e: number): void {
    const line = this.lines++;
    const n = scanLine(buf, s, e);
    if (n <= 0) return;
    let kindAt = -1;
    for (let f = 0; f < n; f++) {
      const k = fields[f * FIELD_SLOTS]!;
      if (fields[f * FIELD_SLOTS + 1]! - k === 4 && buf[k] === 107 && buf[k + 1] === 105 && buf[k + 2] === 110) {
        if (buf[k + 3] === 100) kindAt = f; // "kind"
      }
    }
    if (kindAt < 0) return;
    const ko = kindAt * FIELD_SLOTS;
    if (fields[ko + 4] !== ValueType.String || valueFlags(kindAt) !== 0) return;
    const out = this.outputFor(buf, fields[ko + 2]!, fields[ko + 3]!);
    if (out === undefined) return;
    const { slots, stamp } = this;
    const plan = out.plan;
    const ncols = plan.columns.length;
    const order = out.order;
    for (let f = 0; f < n; f++) {
      if (f === kindAt) continue;
      const o = f * FIELD_SLOTS;
      const ks = fields[o]!;
      const ke = fields[o + 1]!;
      let c = order[f]!;
      if (c < 0 || !sameKey(buf, ks, ke, plan.keys[c]!)) {
        c = (fields[o + 5]! & FLAG_ESCAPED) === 0 ? (plan.byField.get(buf.toString("latin1", ks, ke)) ?? -1) : -1;
        order[f] = c;
      }
      if (c >= 0) {
        slots[c] = f;
        stamp[c] = line;
      }
    }
    // one pass: each value is checked then stored; a bad one undoes what this row stored, so a row is all or nothing
    const cols = out.writer.columns;
    const codes = plan.codes;
    const required = plan.required;
    let c = 0;
    for (; c < ncols; c++) {
      const target = cols[c + 3]!;
      if (stamp[c] !== line) {
        if (required[c] === 1) break;
        target.putNull();
        continue;
      }
      const f = slots[c]!;
      const o = f * FIELD_SLOTS;
      const type = fields[o + 4]!;
      if (type === ValueType.Null) {
        if (required[c] === 1) break;
        target.putNull();
        continue;
      }
      const vs = fields[o + 2]!;
      const ve = fields[o + 3]!;
      const code = codes[c]!;
      if (code === CODE_DOUBLE) {
        if (type !== ValueType.Number) break;
        const v = decodeNumber(buf, vs, ve);
        if (v !== v) break; // NaN: not a JSON number
        target.putDouble(v);
      } else if (code === CODE_VARCHAR) {
        if (type !== ValueType.String) break;
        const flags = valueFlags(f);
        if (flags === 0) target.putBytes(buf, vs, ve);
        else if ((flags & FLAG_ESCAPED) !== 0) {
          const decoded = decodeEscaped(buf, vs, ve);
          if (decoded === undefined || !wellFormed(decoded)) break;
          target.putString(decoded);
        } else if (isUtf8(buf.subarray(vs, ve))) target.putBytes(buf, vs, ve);
        else break;
      } else if (code === CODE_BOOLEAN) {
        if (type !== ValueType.True && type !== ValueType.False) break;
        target.putBool(type === ValueType.True);
      } else {
        // a list or object kept as its JSON text, as the schema says, in valid UTF-8
        if (type !== ValueType.Nested || buf[vs] !== (code === CODE_ARRAY ? 91 : 123)) break;
        if (!isUtf8(buf.subarray(vs, ve))) break;
        target.putBytes(buf, vs, ve);
      }
    }
    if (c < ncols) {
      for (let u = 0; u < c; u++) cols[u + 3]!.undoLast();
      return;
    }
    cols[0]!.putConstant();
    cols[1]!.putConstant();
    cols[2]!.putConstant();
    out.writer.endRow();
  }
}

function sameKey(b: Buffer, s: number, e: number, key: Buffer): boolean {
  const len = key.length;
  if (e - s !== len) return false;
  for (let i = 0; i < len; i++) if (b[s + i] !== key[i]) return false;
  return true;
}

/** No lone surrogate (from a `\ud800` escape), which has no UTF-8 form. */
const wellFormed = (s: string): boolean => !/[\ud800-\udfff]/u.test(s);
