/**
 * A scanner for one JSON line holding one object, reading bytes in place: it finds each top-level member's key and
 * value as byte ranges, without building strings or objects, so ingestion pays for a value only when it stores it.
 * Nested objects and arrays are skipped over (their range is kept). Anything that is not exactly one JSON object
 * (torn, truncated, trailing bytes, a bare value) is rejected with -1. Whitespace is allowed where JSON allows it.
 *
 * Number and string *contents* are checked by whoever decodes them ({@link decodeNumber}, {@link decodeEscaped}).
 */

export const ValueType = { String: 0, Number: 1, True: 2, False: 3, Null: 4, Nested: 5 } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** Per member, 6 slots: key start, key end, value start, value end (strings: inside the quotes), type, flags. */
export const FIELD_SLOTS = 6;
export const MAX_FIELDS = 256;
/** The string holds a backslash escape. */
export const FLAG_ESCAPED = 1;
/** The string holds a byte ≥ 0x80 (its UTF-8 must be checked). */
export const FLAG_HIGH = 2;

/** Where {@link scanLine} writes the members of the last line it scanned. */
export const fields = new Int32Array(MAX_FIELDS * FIELD_SLOTS);

/** JSON whitespace; the first comparison settles the usual case (not whitespace). */
const isWs = (c: number | undefined) => c !== undefined && c <= 32 && (c === 32 || c === 10 || c === 13 || c === 9);

/**
 * Scans `b[start, end)`; answers the number of members written to {@link fields}, or -1 if not one object.
 * `b[end]` must be a newline (or any byte below 0x20): string scans stop at it rather than test the bound per byte.
 */
export function scanLine(b: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isWs(b[i])) i++;
  if (i >= end || b[i] !== 123) return -1;
  i++;
  while (i < end && isWs(b[i])) i++;
  let n = 0;
  if (b[i] === 125) return trailing(b, i + 1, end) ? 0 : -1;
  for (;;) {
    if (n === MAX_FIELDS || i >= end || b[i] !== 34) return -1;
    i = scanValue(b, i, end); // the key, a string
    if (i < 0) return -1;
    const ks = value[0]!;
    const ke = value[1]!;
    const flags = value[3]! & FLAG_ESCAPED;
    while (i < end && isWs(b[i])) i++;
    if (b[i] !== 58) return -1;
    i++;
    while (i < end && isWs(b[i])) i++;
    if (i >= end) return -1;
    i = scanValue(b, i, end);
    if (i < 0) return -1;
    const o = n * FIELD_SLOTS;
    fields[o] = ks;
    fields[o + 1] = ke;
    fields[o + 2] = value[0]!;
    fields[o + 3] = value[1]!;
    fields[o + 4] = value[2]!;
    fields[o + 5] = flags | (value[3]! << 2);
    n++;
    while (i < end && isWs(b[i])) i++;
    const sep = b[i];
    i++;
    if (sep === 44) {
      while (i < end && isWs(b[i])) i++;
      continue;
    }
    if (sep === 125 && i <= end) return trailing(b, i, end) ? n : -1;
    return -1;
  }
}

/** Where {@link scanValue} writes the value it scanned: start, end (strings: inside the quotes), type, flags. */
export const value = new Int32Array(4);

/**
 * Scans the JSON value starting at `b[i]` (not whitespace), up to `end`; answers the index just past it, or -1 when
 * there is no well-formed value there. Writes its range, type and flags to {@link value}. `b[end]` must be a byte below
 * 0x20, as for {@link scanLine}.
 */
export function scanValue(b: Buffer, i: number, end: number): number {
  const c = b[i]!;
  let vs = i;
  let ve: number;
  let type: ValueType;
  let vflags = 0;
  if (c === 34) {
    vs = ++i;
    type = ValueType.String;
    for (;;) {
      const d = b[i]!;
      if (d === 34) break;
      if (d < 32) return -1; // a control character, or the newline past the line's end
      if (d === 92) {
        vflags |= FLAG_ESCAPED;
        if (++i >= end) return -1;
      } else if (d >= 128) vflags |= FLAG_HIGH;
      i++;
    }
    ve = i++;
  } else if ((c >= 48 && c <= 57) || c === 45) {
    type = ValueType.Number;
    i++;
    for (;;) {
      const d = b[i]!;
      if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
      else break;
    }
    ve = i;
  } else if (c === 116 && b[i + 1] === 114 && b[i + 2] === 117 && b[i + 3] === 101) {
    type = ValueType.True;
    ve = i += 4;
  } else if (c === 102 && b[i + 1] === 97 && b[i + 2] === 108 && b[i + 3] === 115 && b[i + 4] === 101) {
    type = ValueType.False;
    ve = i += 5;
  } else if (c === 110 && b[i + 1] === 117 && b[i + 2] === 108 && b[i + 3] === 108) {
    type = ValueType.Null;
    ve = i += 4;
  } else if (c === 123 || c === 91) {
    type = ValueType.Nested;
    i = skipNested(b, i, end);
    if (i < 0) return -1;
    ve = i;
  } else return -1;
  if (i > end) return -1;
  value[0] = vs;
  value[1] = ve;
  value[2] = type;
  value[3] = vflags;
  return i;
}

/** Value flags of member `f` (FLAG_ESCAPED, FLAG_HIGH). */
export const valueFlags = (f: number): number => fields[f * FIELD_SLOTS + 5]! >> 2;

/** Only whitespace from i to end. */
function trailing(b: Buffer, i: number, end: number): boolean {
  while (i < end && isWs(b[i])) i++;
  return i === end;
}

/** Index just past the balanced object/array starting at `i`, or -1. */
function skipNested(b: Buffer, i: number, end: number): number {
  let depth = 0;
  while (i < end) {
    const d = b[i]!;
    if (d === 34) {
      i++;
      while (i < end && b[i] !== 34) i += b[i] === 92 ? 2 : 1;
      if (i >= end) return -1;
    } else if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

const TWO_53 = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The number in `b[s, e)`, or NaN when it is not one. Plain decimals whose digits fit in 2^53 are computed exactly
 * (an exact integer divided by an exact power of ten is correctly rounded: Clinger's fast path); anything else goes
 * through `Number`, so every result equals `JSON.parse`'s.
 */
export function decodeNumber(b: Buffer, s: number, e: number): number {
  let i = s;
  const neg = b[i] === 45;
  if (neg) i++;
  if (i >= e) return NaN;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < e; i++) {
    const d = b[i]!;
    if (d >= 48 && d <= 57) {
      m = m * 10 + (d - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (d === 46 && frac < 0 && digits > 0) frac = 0;
    else return slowNumber(b, s, e);
  }
  if (frac === 0 || m >= TWO_53 || frac > 22) return slowNumber(b, s, e);
  // JSON forbids leading zeros ("01"); Number would take them
  if (b[neg ? s + 1 : s] === 48 && digits > 1 && b[neg ? s + 2 : s + 1] !== 46) return NaN;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function slowNumber(b: Buffer, s: number, e: number): number {
  const text = b.toString("latin1", s, e);
  return JSON_NUMBER.test(text) ? Number(text) : NaN;
}

/** The string value of member range `b[s, e)` (inside the quotes) when it holds escapes; undefined if malformed. */
export function decodeEscaped(b: Buffer, s: number, e: number): string | undefined {
  try {
    return JSON.parse(b.toString("utf8", s - 1, e + 1)) as string;
  } catch {
    return undefined;
  }
}
