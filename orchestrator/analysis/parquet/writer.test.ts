import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rows, withConnection } from "../connection.ts";
import { quoteLiteral } from "../sql.ts";
import { ParquetFileWriter, type ParquetColumnSpec } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "parquet-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS: ParquetColumnSpec[] = [
  { name: "run_key", type: "VARCHAR", required: true, constant: "run-é" },
  { name: "t", type: "DOUBLE", required: true },
  { name: "name", type: "VARCHAR", required: true },
  { name: "maybe", type: "DOUBLE", required: false },
  { name: "flag", type: "BOOLEAN", required: false },
  { name: "note", type: "VARCHAR", required: false },
];

interface Row {
  t: number;
  name: string;
  maybe: number | null;
  flag: boolean | null;
  note: string | null;
}

function write(path: string, data: Row[], rowGroupRows: number): void {
  const w = new ParquetFileWriter(path, SPECS, rowGroupRows);
  const [key, t, name, maybe, flag, note] = w.columns;
  for (const r of data) {
    key!.putConstant();
    t!.putDouble(r.t);
    name!.putString(r.name);
    if (r.maybe === null) maybe!.putNull();
    else maybe!.putDouble(r.maybe);
    if (r.flag === null) flag!.putNull();
    else flag!.putBool(r.flag);
    if (r.note === null) note!.putNull();
    else note!.putString(r.note);
    w.endRow();
  }
  w.close();
}

const read = (path: string) =>
  withConnection(":memory:", (con) => rows(con, `SELECT * FROM read_parquet(${quoteLiteral(path)})`));

describe("ParquetFileWriter", () => {
  it("writes what DuckDB reads back: every type, nulls, a constant column and several row groups", async () => {
    const data: Row[] = Array.from({ length: 1000 }, (_, i) => ({
      t: 1.7e12 + i / 8,
      name: `n${i}-ü${"x".repeat(i % 90)}`,
      maybe: i % 3 === 0 ? null : -i * 0.5,
      flag: i % 5 === 0 ? null : i % 2 === 0,
      note: i % 7 === 0 ? "sept" : null,
    }));
    const path = join(dir, "rows.parquet");
    write(path, data, 97);
    const back = await read(path);
    expect(back).toEqual(data.map((r) => ({ run_key: "run-é", ...r })));
    const groups = await withConnection(":memory:", (con) =>
      rows(con, `SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${quoteLiteral(path)})`),
    );
    expect(groups).toEqual([{ n: Math.ceil(1000 / 97) }]);
  });

  it("writes a file without rows", async () => {
    const path = join(dir, "empty.parquet");
    write(path, [], 10);
    expect(await read(path)).toEqual([]);
  });

  it("takes rows in bulk (putStaged), between rows put one by one, within the row group's size", async () => {
    const path = join(dir, "staged.parquet");
    const w = new ParquetFileWriter(path, SPECS, 4);
    const [key, t, name, maybe, flag, note] = w.columns;
    const one = (r: Row) => {
      key!.putConstant();
      t!.putDouble(r.t);
      name!.putString(r.name);
      maybe!.putNull();
      flag!.putBool(r.flag!);
      note!.putString(r.note!);
      w.endRow();
    };
    const plainStrings = (...values: string[]) =>
      Buffer.concat(values.flatMap((v) => [Buffer.from(Uint32Array.of(Buffer.byteLength(v)).buffer), Buffer.from(v)]));
    one({ t: 1, name: "a", maybe: null, flag: true, note: "x" });
    expect(w.rowsLeftInGroup).toBe(3);
    // three rows at once: the second has nulls in every optional column
    key!.putConstants(3);
    t!.putStaged(3, 0, undefined, new Uint8Array(Float64Array.of(2, 3, 4).buffer), 3);
    name!.putStaged(3, 0, undefined, plainStrings("b", "c", "dé"), 3);
    maybe!.putStaged(3, 1, Uint8Array.of(1, 0, 1), new Uint8Array(Float64Array.of(0.5, -1).buffer), 2);
    flag!.putStaged(3, 1, Uint8Array.of(1, 0, 1), Uint8Array.of(0, 1), 2);
    note!.putStaged(3, 1, Uint8Array.of(1, 0, 1), plainStrings("y", ""), 2);
    expect(() => w.endRows(4)).toThrow(/4 rows do not fit in the row group \(3 left\)/);
    w.endRows(3);
    expect(w.rowsLeftInGroup).toBe(4);
    one({ t: 5, name: "e", maybe: null, flag: false, note: "z" });
    w.close();
    expect(await read(path)).toEqual([
      { run_key: "run-é", t: 1, name: "a", maybe: null, flag: true, note: "x" },
      { run_key: "run-é", t: 2, name: "b", maybe: 0.5, flag: false, note: "y" },
      { run_key: "run-é", t: 3, name: "c", maybe: null, flag: null, note: null },
      { run_key: "run-é", t: 4, name: "dé", maybe: -1, flag: true, note: "" },
      { run_key: "run-é", t: 5, name: "e", maybe: null, flag: false, note: "z" },
    ]);
  });

  it("refuses a row group of no rows or of a fraction of a row", () => {
    for (const size of [0, 1.5, -3]) {
      expect(() => new ParquetFileWriter(join(dir, "never.parquet"), SPECS, size)).toThrow(
        new RegExp(`rowGroupRows is ${size}: it must be a whole number of rows, at least 1`),
      );
    }
  });

  it("refuses a null in a REQUIRED column", () => {
    const w = new ParquetFileWriter(join(dir, "bad.parquet"), SPECS);
    expect(() => w.columns[1]!.putNull()).toThrow(/Column t is REQUIRED/);
    w.abort();
  });
});
