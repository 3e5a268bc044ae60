/**
 * The Thrift compact protocol, writing side only, as much of it as Parquet's footer and page headers need
 * (structs, i32, i64, binary, lists). A struct is written as a list of fields with ids in increasing order; the
 * encoder computes the field-id deltas itself.
 */

export type ThriftValue =
  | { t: "i32"; v: number }
  | { t: "i64"; v: number }
  | { t: "binary"; v: string | Uint8Array }
  | { t: "struct"; v: ThriftStruct }
  | { t: "list"; elem: "i32" | "binary" | "struct"; v: ThriftValue[] };

/** Field id → value; undefined fields are left out (optional fields). */
export type ThriftStruct = [id: number, value: ThriftValue | undefined][];

const TYPE = { i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

export const i32 = (v: number): ThriftValue => ({ t: "i32", v });
export const i64 = (v: number): ThriftValue => ({ t: "i64", v });
export const binary = (v: string | Uint8Array): ThriftValue => ({ t: "binary", v });
export const struct = (v: ThriftStruct): ThriftValue => ({ t: "struct", v });
export const list = (elem: "i32" | "binary" | "struct", v: ThriftValue[]): ThriftValue => ({ t: "list", elem, v });

/** Serialises one struct (a Parquet FileMetaData or PageHeader). */
export function encodeStruct(fields: ThriftStruct): Buffer {
  const out: number[] = [];
  writeStruct(out, fields);
  return Buffer.from(out);
}

function writeStruct(out: number[], fields: ThriftStruct): void {
  let last = 0;
  for (const [id, value] of fields) {
    if (value === undefined) continue;
    const type = TYPE[value.t];
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.push((delta << 4) | type);
    else {
      out.push(type);
      writeVarint(out, zigzag(id));
    }
    last = id;
    writeValue(out, value);
  }
  out.push(0);
}

function writeValue(out: number[], value: ThriftValue): void {
  switch (value.t) {
    case "i32":
    case "i64":
      writeVarint(out, zigzag(value.v));
      return;
    case "binary": {
      const bytes = typeof value.v === "string" ? Buffer.from(value.v, "utf8") : value.v;
      writeVarint(out, bytes.length);
      for (const b of bytes) out.push(b);
      return;
    }
    case "struct":
      writeStruct(out, value.v);
      return;
    case "list": {
      const n = value.v.length;
      const type = TYPE[value.elem];
      if (n < 15) out.push((n << 4) | type);
      else {
        out.push(0xf0 | type);
        writeVarint(out, n);
      }
      for (const item of value.v) writeValue(out, item);
      return;
    }
  }
}

/** ZigZag of a safe integer (i32 and i64 alike), as a non-negative number. */
const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);

/** Unsigned LEB128 of a non-negative safe integer. */
export function writeVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}
