/**
 * Line shapes, what makes the fast path of transcoding possible. The runtime writes each event with JSON.stringify,
 * so the lines of one kind repeat the same keys in the same order, with no whitespace:
 * `{"t":…,"run":…,"source":…,"kind":"bid","slaId":…}`. A shape is that sequence of keys, learned here from a line
 * the general path (json-line.ts's scanLine) accepted; the fast path (wasm/match-lines.as.ts) then matches later lines
 * against it byte for byte, so each member's column is known from its position, with no key scanned or looked up.
 *
 * The members before `kind` (the envelope: t, run, source) are common to every kind: one envelope is matched first,
 * then the kind's name picks the shape of the members after it. A line that does not match exactly (whitespace,
 * another key order, a key more or less, a key given twice, an escaped key) takes the general path, which decides
 * what it is: shapes change the cost of a line, never its outcome.
 */
import { FIELD_SLOTS, fields, FLAG_ESCAPED, ValueType } from "./json-line.ts";
import type { KindPlan } from "./kind-plans.ts";

/** The members after `kind` of one kind's lines. */
export interface LineShape {
  /** The bytes before each member's value, concatenated: `,"slaId":` … */
  readonly keys: Uint8Array;
  /** End of member m's bytes in `keys` (member m starts where m − 1 ends). */
  readonly keyEnds: Int32Array;
  /** The column member m fills; −1 for a field the kind has no column for (scanned, not kept). */
  readonly columns: Int32Array;
  /** The column of each envelope member. */
  readonly envelopeColumns: Int32Array;
  /** The kind's columns no member fills (all optional): null in every row of this shape. */
  readonly absent: Int32Array;
}

/** The most members a shape has (the fast path's member records). */
export const MAX_MEMBERS = 256;

/** The shapes met in one events file: the envelope shared by every kind, then a shape per kind (kept by the caller). */
export class LineShapes {
  /** `{"t":` `,"run":` `,"source":` then `,"kind":"`, concatenated. */
  private envelopeKeys: Uint8Array | undefined;
  private envelopeEnds: Int32Array = new Int32Array(0);
  /** Field names of the envelope members, to find their columns in each kind. */
  private envelopeFields: string[] = [];

  /** The envelope's bytes, through `,"kind":"` (undefined before the first shape). */
  get envelope(): Uint8Array | undefined {
    return this.envelopeKeys;
  }

  /** Where each envelope member's bytes end in {@link envelope}. */
  get envelopeMemberEnds(): Int32Array {
    return this.envelopeEnds;
  }

  /**
   * The shape of the line `b[s, e)` that scanLine has just scanned into json-line.ts's `fields` (n members, `kind`
   * at kindAt), for `plan`'s kind; undefined when the line cannot be one: whitespace between its tokens, escaped or
   * repeated keys, too many members, or an envelope other than the one this file's first shape had.
   */
  learn(b: Buffer, s: number, e: number, n: number, kindAt: number, plan: KindPlan): LineShape | undefined {
    if (n > MAX_MEMBERS || !compact(s, e, n)) return undefined;
    const names: string[] = [];
    for (let f = 0; f < n; f++) {
      const o = f * FIELD_SLOTS;
      if ((fields[o + 5]! & FLAG_ESCAPED) !== 0) return undefined;
      names.push(b.toString("latin1", fields[o]!, fields[o + 1]!));
    }
    if (new Set(names).size !== n) return undefined;
    const prefixes = names.map((name, f) => Buffer.from(`${f === 0 ? "{" : ","}"${name}":`, "latin1"));
    const envelope = prefixes.slice(0, kindAt);
    const envelopeKeys = Buffer.concat([...envelope, prefixes[kindAt]!, Buffer.from('"')]);
    if (this.envelopeKeys === undefined) {
      this.envelopeKeys = envelopeKeys;
      this.envelopeEnds = endsOf(envelope);
      this.envelopeFields = names.slice(0, kindAt);
    } else if (!envelopeKeys.equals(this.envelopeKeys)) return undefined;
    const members = prefixes.slice(kindAt + 1);
    const columnOf = (name: string) => plan.byField.get(name) ?? -1;
    const columns = Int32Array.from(names.slice(kindAt + 1), columnOf);
    const envelopeColumns = Int32Array.from(this.envelopeFields, columnOf);
    const filled = new Set([...columns, ...envelopeColumns]);
    const absent = Int32Array.from(plan.columns.keys()).filter((c) => !filled.has(c));
    return { keys: Buffer.concat(members), keyEnds: endsOf(members), columns, envelopeColumns, absent };
  }
}

/** Where each part ends once concatenated. */
function endsOf(parts: readonly Buffer[]): Int32Array {
  let end = 0;
  return Int32Array.from(parts, (p) => (end += p.length));
}

/**
 * Whether the line `[s, e)` scanned into `fields` has no whitespace: each key starts two bytes after the `{` or `,`
 * before it, each value right after its key's `":`, and the `}` right after the last value. scanLine accepted the
 * line, so the bytes in between can only be those.
 */
function compact(s: number, e: number, n: number): boolean {
  let p = s;
  for (let f = 0; f < n; f++) {
    const o = f * FIELD_SLOTS;
    if (fields[o] !== p + 2) return false;
    const string = fields[o + 4] === ValueType.String;
    if ((string ? fields[o + 2]! - 1 : fields[o + 2]) !== fields[o + 1]! + 2) return false;
    p = string ? fields[o + 3]! + 1 : fields[o + 3]!;
  }
  return p === e - 1;
}
