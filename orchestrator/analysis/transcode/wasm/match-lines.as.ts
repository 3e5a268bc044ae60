// The fast path of transcoding, in AssemblyScript (compiled to match-lines.wasm by `npm run build:wasm`; the
// committed .wasm is checked against this source by wasm-lines.test.ts).
//
// It matches events lines against the shapes of their kinds (line-shape.ts: the same keys in the same order, no
// whitespace), byte for byte, and appends each line's values to its kind's staging columns, laid out as the Parquet
// writer's column buffers hold them (definition levels, doubles, booleans, PLAIN strings). JavaScript (wasm-lines.ts)
// lays out the memory, writes the shapes, reads the staging columns into the Parquet writer and takes every line this
// code does not accept. This code accepts only lines it can store exactly as the general path would: any line that
// does not match its shape, or holds an escape, a byte >= 0x80, a control character, a number it cannot convert
// exactly, a null for a required field or a mistyped value is left to the general path, which decides what it is.
//
// Memory (addresses from wasm-lines.ts): the input bytes, followed by a byte below 0x20 where the data ends; the
// envelope (the keys before `kind`, shared by all kinds); one kind record per shape; one column record per column of
// a kind with a shape; the staging areas; the member records of the line being matched; the table of powers of ten.

// kind record: i32 fields
const K_NAME: i32 = 0; // the kind's name (bytes)
const K_NAME_LEN: i32 = 4;
const K_KEYS: i32 = 8; // the bytes before each member's value, concatenated
const K_MEMBERS: i32 = 12; // members after `kind`
const K_ENDS: i32 = 16; // i32 per member: where its bytes end in K_KEYS (relative)
const K_MEMBER_COLUMNS: i32 = 20; // i32 per member: its column, or -1
const K_ENVELOPE_COLUMNS: i32 = 24; // i32 per envelope member: its column, or -1
const K_ABSENT: i32 = 28; // i32 per column no member fills (optional)
const K_ABSENT_N: i32 = 32;
const K_COLUMNS: i32 = 36; // the kind's column records
const K_ROWS: i32 = 40; // rows staged
const K_CAPACITY: i32 = 44; // rows that may be staged before a flush
const KIND_SIZE: i32 = 48;

// column record: i32 fields
const C_CODE: i32 = 0; // kind-plans.ts's CODE_*
const C_REQUIRED: i32 = 4;
const C_DEFS: i32 = 8; // u8 per staged row (optional columns), else 0
const C_VALUES: i32 = 12; // f64 (DOUBLE) or u8 (BOOLEAN) per staged value
const C_STRINGS: i32 = 16; // PLAIN byte arrays: u32 length then the bytes
const C_STRINGS_CAPACITY: i32 = 20;
const C_VALUE_COUNT: i32 = 24;
const C_STRINGS_LENGTH: i32 = 28;
const C_NULLS: i32 = 32;
const COLUMN_SIZE: i32 = 36;

const CODE_DOUBLE: i32 = 0;
const CODE_VARCHAR: i32 = 1;
const CODE_BOOLEAN: i32 = 2;
const CODE_ARRAY: i32 = 3;

// json-line.ts's ValueType
const T_STRING: i32 = 0;
const T_NUMBER: i32 = 1;
const T_TRUE: i32 = 2;
const T_FALSE: i32 = 3;
const T_NULL: i32 = 4;
const T_NESTED: i32 = 5;

// member record: value start, value end, type, then the number's value
const R_START: i32 = 0;
const R_END: i32 = 4;
const R_TYPE: i32 = 8;
const R_NUMBER: i32 = 16;
const RECORD_SIZE: i32 = 24;

const NOT_MATCHED: i32 = 0;
const FULL: i32 = -1;

let envelopeKeys: i32 = 0;
let envelopeKeysLength: i32 = 0;
let envelopeEnds: i32 = 0;
let envelopeCount: i32 = 0;
let kinds: i32 = 0;
let kindCount: i32 = 0;
let records: i32 = 0;
let powers: i32 = 0;

let outcome: i32 = 0;
let fullKind: i32 = -1;
let matchedLines: i32 = 0;

/** Where the fixed tables go: the member records, the powers of ten (Eisel-Lemire), the kind records. */
export function configure(records_: i32, powers_: i32, kinds_: i32): void {
  records = records_;
  powers = powers_;
  kinds = kinds_;
  kindCount = 0;
  envelopeCount = 0;
  envelopeKeysLength = 0;
}

export function setEnvelope(keys: i32, keysLength: i32, ends: i32, count: i32): void {
  envelopeKeys = keys;
  envelopeKeysLength = keysLength;
  envelopeEnds = ends;
  envelopeCount = count;
}

export function setKindCount(n: i32): void {
  kindCount = n;
}

/** Why the last run stopped: 0 at the end of the data, 1 at a line it leaves to JavaScript, 2 a kind to flush. */
export function stopReason(): i32 {
  return outcome;
}

/** The kind whose staging is full when stopReason() is 2. */
export function kindToFlush(): i32 {
  return fullKind;
}

/** The lines the last run matched and staged. */
export function linesMatched(): i32 {
  return matchedLines;
}

/** Matches and stages lines from `pos` while they match; answers where it stopped (see stopReason). */
export function run(pos: i32, end: i32): i32 {
  let n = 0;
  while (pos < end) {
    let next = matchLine(pos);
    if (next > end) next = NOT_MATCHED; // cannot happen (every scan stops at the byte after the data): never trust it
    if (next <= 0) {
      outcome = next == NOT_MATCHED ? 1 : 2;
      matchedLines = n;
      return pos;
    }
    pos = next;
    n++;
  }
  outcome = 0;
  matchedLines = n;
  return pos;
}

/** `p` after the bytes [k, to) when they are there, else -1. */
function matchBytes(p: i32, k: i32, to: i32): i32 {
  while (k + 8 <= to) {
    if (load<u64>(p) != load<u64>(k)) return -1;
    p += 8;
    k += 8;
  }
  while (k < to) {
    if (load<u8>(p) != load<u8>(k)) return -1;
    p++;
    k++;
  }
  return p;
}

/**
 * Matches `count` members from `p`: the bytes before member m's value (keys[ends[m - 1], ends[m]) relative to `keys`)
 * then its value, scanned into the member record `first + m`. Answers the index after the last value, or -1.
 */
function matchMembers(p: i32, keys: i32, ends: i32, count: i32, first: i32): i32 {
  let k = keys;
  for (let m = 0; m < count; m++) {
    const to = keys + load<i32>(ends + m * 4);
    p = matchBytes(p, k, to);
    if (p < 0) return -1;
    k = to;
    p = scanValue(p, records + (first + m) * RECORD_SIZE);
    if (p < 0) return -1;
  }
  return p;
}

function matchLine(start: i32): i32 {
  if (envelopeKeysLength == 0) return NOT_MATCHED;
  let p = matchMembers(start, envelopeKeys, envelopeEnds, envelopeCount, 0);
  if (p < 0) return NOT_MATCHED;
  // then `,"kind":"`, the rest of the envelope's bytes
  const kindKey = envelopeCount == 0 ? envelopeKeys : envelopeKeys + load<i32>(envelopeEnds + (envelopeCount - 1) * 4);
  p = matchBytes(p, kindKey, envelopeKeys + envelopeKeysLength);
  if (p < 0) return NOT_MATCHED;
  let kind = -1;
  let slot = 0;
  for (; slot < kindCount; slot++) {
    const record = kinds + slot * KIND_SIZE;
    const name = load<i32>(record + K_NAME);
    const q = matchBytes(p, name, name + load<i32>(record + K_NAME_LEN));
    if (q >= 0 && load<u8>(q) == 34) {
      kind = record;
      p = q + 1;
      break;
    }
  }
  if (kind < 0) return NOT_MATCHED;
  const members = load<i32>(kind + K_MEMBERS);
  p = matchMembers(p, load<i32>(kind + K_KEYS), load<i32>(kind + K_ENDS), members, envelopeCount);
  if (p < 0 || load<u8>(p) != 125 || load<u8>(p + 1) != 10) return NOT_MATCHED;
  const checked = check(kind, slot, members);
  if (checked != 1) return checked;
  stage(kind, members);
  return p + 2;
}

/** The column of member m (envelope members first), or -1. */
function columnOf(kind: i32, m: i32): i32 {
  return m < envelopeCount
    ? load<i32>(load<i32>(kind + K_ENVELOPE_COLUMNS) + m * 4)
    : load<i32>(load<i32>(kind + K_MEMBER_COLUMNS) + (m - envelopeCount) * 4);
}

/** 1 when every value fits its column and the staging has room, else NOT_MATCHED or FULL. */
function check(kind: i32, slot: i32, members: i32): i32 {
  const rows = load<i32>(kind + K_ROWS);
  if (rows >= load<i32>(kind + K_CAPACITY)) {
    fullKind = slot;
    return FULL;
  }
  const columns = load<i32>(kind + K_COLUMNS);
  const total = envelopeCount + members;
  for (let m = 0; m < total; m++) {
    const col = columnOf(kind, m);
    if (col < 0) continue;
    const c = columns + col * COLUMN_SIZE;
    const r = records + m * RECORD_SIZE;
    const type = load<i32>(r + R_TYPE);
    const code = load<i32>(c + C_CODE);
    if (type == T_NULL) {
      if (load<i32>(c + C_REQUIRED) != 0) return NOT_MATCHED;
    } else if (code == CODE_DOUBLE) {
      if (type != T_NUMBER) return NOT_MATCHED;
    } else if (code == CODE_BOOLEAN) {
      if (type != T_TRUE && type != T_FALSE) return NOT_MATCHED;
    } else {
      const s = load<i32>(r + R_START);
      if (code == CODE_VARCHAR) {
        if (type != T_STRING) return NOT_MATCHED;
      } else if (type != T_NESTED || load<u8>(s) != (code == CODE_ARRAY ? 91 : 123)) return NOT_MATCHED;
      const need = load<i32>(r + R_END) - s + 4;
      if (load<i32>(c + C_STRINGS_LENGTH) + need > load<i32>(c + C_STRINGS_CAPACITY)) {
        if (rows == 0) return NOT_MATCHED; // it would never fit: the general path stores it
        fullKind = slot;
        return FULL;
      }
    }
  }
  return 1;
}

/** Appends the checked line's values (and nulls for the absent columns) to the kind's staging. */
function stage(kind: i32, members: i32): void {
  const rows = load<i32>(kind + K_ROWS);
  const columns = load<i32>(kind + K_COLUMNS);
  const total = envelopeCount + members;
  for (let m = 0; m < total; m++) {
    const col = columnOf(kind, m);
    if (col < 0) continue;
    const c = columns + col * COLUMN_SIZE;
    const r = records + m * RECORD_SIZE;
    const type = load<i32>(r + R_TYPE);
    const defs = load<i32>(c + C_DEFS);
    if (type == T_NULL) {
      store<u8>(defs + rows, 0);
      store<i32>(c + C_NULLS, load<i32>(c + C_NULLS) + 1);
      continue;
    }
    if (defs != 0) store<u8>(defs + rows, 1);
    const code = load<i32>(c + C_CODE);
    const n = load<i32>(c + C_VALUE_COUNT);
    if (code == CODE_DOUBLE) store<f64>(load<i32>(c + C_VALUES) + n * 8, load<f64>(r + R_NUMBER));
    else if (code == CODE_BOOLEAN) store<u8>(load<i32>(c + C_VALUES) + n, type == T_TRUE ? 1 : 0);
    else {
      const s = load<i32>(r + R_START);
      const len = load<i32>(r + R_END) - s;
      const at = load<i32>(c + C_STRINGS) + load<i32>(c + C_STRINGS_LENGTH);
      store<u32>(at, len);
      copy(at + 4, s, len);
      store<i32>(c + C_STRINGS_LENGTH, load<i32>(c + C_STRINGS_LENGTH) + len + 4);
    }
    store<i32>(c + C_VALUE_COUNT, n + 1);
  }
  const absent = load<i32>(kind + K_ABSENT);
  const absentCount = load<i32>(kind + K_ABSENT_N);
  for (let a = 0; a < absentCount; a++) {
    const c = columns + load<i32>(absent + a * 4) * COLUMN_SIZE;
    store<u8>(load<i32>(c + C_DEFS) + rows, 0);
    store<i32>(c + C_NULLS, load<i32>(c + C_NULLS) + 1);
  }
  store<i32>(kind + K_ROWS, rows + 1);
}

/**
 * Copies len bytes from src to dst, 8 at a time: the bytes after dst + len, up to 7, are overwritten (the staging
 * areas keep 16 bytes to spare). Short strings (ids, names) are the usual case, where memory.copy costs a call.
 */
function copy(dst: i32, src: i32, len: i32): void {
  if (len > 64) {
    memory.copy(dst, src, len);
    return;
  }
  for (let i = 0; i < len; i += 8) store<u64>(dst + i, load<u64>(src + i));
}

/** Scans the value at `p` into the member record `r`; answers the index after it, or -1 (left to JavaScript). */
function scanValue(p: i32, r: i32): i32 {
  const c = load<u8>(p);
  if (c == 34) {
    let i = p + 1;
    for (;;) {
      const d = load<u8>(i);
      if (d == 34) break;
      if (d < 32 || d == 92 || d >= 128) return -1;
      i++;
    }
    store<i32>(r + R_START, p + 1);
    store<i32>(r + R_END, i);
    store<i32>(r + R_TYPE, T_STRING);
    return i + 1;
  }
  if (c == 45 || (c >= 48 && c <= 57)) return scanNumber(p, r);
  // true, false, null, an object or an array: nestedValue checks them
  const type = c == 116 ? T_TRUE : c == 102 ? T_FALSE : c == 110 ? T_NULL : T_NESTED;
  if (type == T_NESTED && c != 123 && c != 91) return -1;
  const e = nestedValue(p, 0);
  if (e < 0) return -1;
  store<i32>(r + R_START, p);
  store<i32>(r + R_END, e);
  store<i32>(r + R_TYPE, type);
  return e;
}

/**
 * Index after the JSON value at `p` (within an object or an array: `depth` of them), checked as JSON.parse would
 * check it, or -1: not JSON, or something left to JavaScript (whitespace, a byte >= 0x80, nesting deeper than 32).
 */
function nestedValue(p: i32, depth: i32): i32 {
  const c = load<u8>(p);
  if (c == 34) return jsonString(p);
  if (c == 45 || (c >= 48 && c <= 57)) return jsonNumber(p);
  if (c == 116) return load<u32>(p) == 0x65757274 ? p + 4 : -1; // true
  if (c == 102) return load<u32>(p + 1) == 0x65736c61 ? p + 5 : -1; // false
  if (c == 110) return load<u32>(p) == 0x6c6c756e ? p + 4 : -1; // null
  if (c != 91 && c != 123) return -1;
  if (depth == 32) return -1;
  const close: u8 = c == 91 ? 93 : 125;
  let i = p + 1;
  if (load<u8>(i) == close) return i + 1;
  while (true) {
    if (c == 123) {
      i = jsonString(i); // a key
      if (i < 0 || load<u8>(i) != 58) return -1;
      i++;
    }
    i = nestedValue(i, depth + 1);
    if (i < 0) return -1;
    const d = load<u8>(i);
    if (d == close) return i + 1;
    if (d != 44) return -1;
    i++;
  }
  return -1;
}

/** Index after the JSON string at `p` (its escapes checked), or -1. */
function jsonString(p: i32): i32 {
  if (load<u8>(p) != 34) return -1;
  let i = p + 1;
  while (true) {
    const s = load<u8>(i);
    if (s == 34) return i + 1;
    if (s < 32 || s >= 128) return -1;
    if (s == 92) {
      const e = load<u8>(i + 1);
      if (e == 117) {
        for (let h = 2; h < 6; h++) {
          const x = load<u8>(i + h) | 32; // lower case
          if (!((x >= 48 && x <= 57) || (x >= 97 && x <= 102))) return -1;
        }
        i += 6;
        continue;
      }
      // \" \\ \/ \b \f \n \r \t
      if (e != 34 && e != 92 && e != 47 && e != 98 && e != 102 && e != 110 && e != 114 && e != 116) return -1;
      i += 2;
    } else i++;
  }
  return -1;
}

/** Index after the JSON number at `p`: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, or -1. */
function jsonNumber(p: i32): i32 {
  let i = p;
  if (load<u8>(i) == 45) i++;
  let d = load<u8>(i);
  if (d == 48) {
    i++;
  } else if (d >= 49 && d <= 57) {
    while (d >= 48 && d <= 57) d = load<u8>(++i);
  } else return -1;
  d = load<u8>(i);
  if (d == 46) {
    d = load<u8>(++i);
    if (d < 48 || d > 57) return -1;
    while (d >= 48 && d <= 57) d = load<u8>(++i);
  }
  if (d == 101 || d == 69) {
    d = load<u8>(++i);
    if (d == 43 || d == 45) d = load<u8>(++i);
    if (d < 48 || d > 57) return -1;
    while (d >= 48 && d <= 57) d = load<u8>(++i);
  }
  return i;
}

const TWO_53: u64 = 1 << 53;

/**
 * A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, up to 19 digits; an exponent or anything else is left to JavaScript.
 * Converted exactly (the double nearest to the decimal, as JSON.parse): Clinger's fast path when the digits fit in
 * 2^53 and the fraction in 22 digits, else Eisel-Lemire, which cannot decide when the decimal is a double exactly
 * (a timestamp ending in .4375) or halfway between two: exactBinary takes the first, JavaScript the second.
 */
function scanNumber(p: i32, r: i32): i32 {
  let i = p;
  const neg = load<u8>(i) == 45;
  if (neg) i++;
  const first = i;
  let man: u64 = 0;
  let d = load<u8>(i);
  if (d < 48 || d > 57) return -1;
  while (d >= 48 && d <= 57) {
    man = man * 10 + (d - 48);
    i++;
    d = load<u8>(i);
  }
  const intDigits = i - first;
  if (intDigits > 1 && load<u8>(first) == 48) return -1; // a leading zero
  let fracDigits = 0;
  if (d == 46) {
    i++;
    d = load<u8>(i);
    const fracStart = i;
    while (d >= 48 && d <= 57) {
      man = man * 10 + (d - 48);
      i++;
      d = load<u8>(i);
    }
    fracDigits = i - fracStart;
    if (fracDigits == 0) return -1;
  }
  if (d == 101 || d == 69 || d == 46 || d == 43 || d == 45) return -1;
  if (intDigits + fracDigits > 19) return -1;
  while (fracDigits > 0 && man % 10 == 0) {
    man /= 10; // "…0.50" is "…0.5": more numbers fit the fast path
    fracDigits--;
  }
  let v: f64;
  if (man < TWO_53 && fracDigits <= 22) {
    v = <f64>man / pow10(fracDigits);
    if (neg) v = -v;
  } else {
    v = eiselLemire(man, -fracDigits, neg);
    if (isNaN(v)) v = exactBinary(man, fracDigits, neg);
    if (isNaN(v)) return -1;
  }
  store<i32>(r + R_START, p);
  store<i32>(r + R_END, i);
  store<i32>(r + R_TYPE, T_NUMBER);
  store<f64>(r + R_NUMBER, v);
  return i;
}

/** man / 10^digits when it is a double exactly (man / 5^digits an integer below 2^53, then halved digits times). */
function exactBinary(man: u64, digits: i32, neg: bool): f64 {
  let five: u64 = 1;
  for (let j = 0; j < digits; j++) five *= 5;
  if (man % five != 0) return NaN;
  const q = man / five;
  if (q >= TWO_53) return NaN;
  const v = <f64>q / <f64>((<u64>1) << digits);
  return neg ? -v : v;
}

/** 10^k, exact for k <= 22. */
function pow10(k: i32): f64 {
  let v: f64 = 1;
  for (let j = 0; j < k; j++) v *= 10;
  return v;
}

let hi: u64 = 0;
let lo: u64 = 0;

/** The 128-bit product a * b into (hi, lo). */
function multiply(a: u64, b: u64): void {
  const aLo = a & 0xffffffff;
  const aHi = a >> 32;
  const bLo = b & 0xffffffff;
  const bHi = b >> 32;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  lo = a * b;
}

/**
 * man * 10^exp10 as the nearest double, or NaN when it cannot tell (the Eisel-Lemire algorithm, as in Go's strconv;
 * `powers` holds the 128-bit truncated mantissas of 10^-348 … 10^347, low word first, from wasm-lines.ts).
 */
function eiselLemire(man: u64, exp10: i32, neg: bool): f64 {
  if (man == 0) return neg ? -0.0 : 0.0;
  if (exp10 < -348 || exp10 > 347) return NaN;
  const zeros = clz<u64>(man);
  man <<= zeros;
  let retExp2: u64 = <u64>(<i64>(((217706 * exp10) >> 16) + 64 + 1023)) - zeros;
  const row = powers + (exp10 + 348) * 16;
  multiply(man, load<u64>(row + 8));
  let xHi = hi;
  let xLo = lo;
  if ((xHi & 0x1ff) == 0x1ff && xLo + man < man) {
    multiply(man, load<u64>(row));
    const yHi = hi;
    const yLo = lo;
    let mergedHi = xHi;
    const mergedLo = xLo + yHi;
    if (mergedLo < xLo) mergedHi++;
    if ((mergedHi & 0x1ff) == 0x1ff && mergedLo + 1 == 0 && yLo + man < man) return NaN;
    xHi = mergedHi;
    xLo = mergedLo;
  }
  const msb = xHi >> 63;
  let mantissa = xHi >> (msb + 9);
  retExp2 -= 1 ^ msb;
  if (xLo == 0 && (xHi & 0x1ff) == 0 && (mantissa & 3) == 1) return NaN;
  mantissa += mantissa & 1;
  mantissa >>= 1;
  if (mantissa >> 53 > 0) {
    mantissa >>= 1;
    retExp2 += 1;
  }
  if (retExp2 - 1 >= 0x7ff - 1) return NaN;
  let bits = (retExp2 << 52) | (mantissa & 0x000fffffffffffff);
  if (neg) bits |= 0x8000000000000000;
  return reinterpret<f64>(bits);
}
