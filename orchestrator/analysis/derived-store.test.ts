import { appendFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rows, withConnection, type DuckDBConnection } from "./connection.ts";
import { derivedFile } from "./derived-store.ts";
import { noopAnalysisEffects } from "./effects.ts";
import { ingestCampaign } from "./ingest.ts";
import { addRequestToRunB, writeFixtureCampaign } from "./testing/fixtures.ts";
import { createViews, DERIVED_TABLES, dropDerivedTables } from "./views.ts";

let dir: string;
let campaign: string;
const db = () => join(dir, "campaign.duckdb");
const store = () => join(dir, "campaign.parquet");
const ingest = (views = true) => ingestCampaign(campaign, { dbPath: db(), effects: noopAnalysisEffects, views });
const kinds = (con: DuckDBConnection) =>
  rows(
    con,
    "SELECT table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE NOT temporary " +
      "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal ORDER BY 1",
  );
const kindOf = async (con: DuckDBConnection, name: string) => (await kinds(con)).find((o) => o.name === name)?.kind;

beforeEach(() => {
  process.env.TZ = "UTC";
  dir = mkdtempSync(join(tmpdir(), "analysis-derived-"));
  campaign = join(dir, "c");
  writeFixtureCampaign(campaign);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("derived tables in the Parquet store", () => {
  it("are Parquet files read by views, with no temporary file left", async () => {
    await ingest();
    for (const name of DERIVED_TABLES) expect(existsSync(derivedFile(store(), name))).toBe(true);
    expect(readdirSync(join(store(), "_derived")).filter((f) => !f.endsWith(".parquet"))).toEqual([]);
    await withConnection(db(), async (con) => {
      for (const name of DERIVED_TABLES) expect([name, await kindOf(con, name)]).toEqual([name, "view"]);
      expect(await rows(con, "SELECT count(*) AS n FROM hop_in_flight")).toEqual([{ n: 7 }]);
    });
  });

  it("are rewritten when runs change, and read from a moved campaign folder", async () => {
    await ingest();
    addRequestToRunB(campaign);
    await ingest();
    const moved = join(tmpdir(), `${dir.split("/").pop()}-moved`);
    renameSync(dir, moved);
    try {
      const found = await withConnection(join(moved, "campaign.duckdb"), (con) =>
        rows(
          con,
          "SELECT count(*) AS hops, count(DISTINCT req_id) AS requests FROM hop_in_flight WHERE run_key = 'runB'",
        ),
      );
      expect(found).toEqual([{ hops: 2, requests: 2 }]);
    } finally {
      renameSync(moved, dir);
    }
  });

  it("are dropped, files included, when views are not refreshed", async () => {
    await ingest();
    appendFileSync(join(campaign, "runB/manifest.json"), "\n");
    await ingest(false);
    expect(existsSync(join(store(), "_derived"))).toBe(false);
    const left = await withConnection(db(), async (con) => (await kinds(con)).map((o) => String(o.name)));
    expect(left.filter((name) => DERIVED_TABLES.includes(name))).toEqual([]);
  });

  it("replace the native tables of a database made by an earlier version", async () => {
    await ingest();
    await withConnection(db(), async (con) => {
      await dropDerivedTables(con);
      await con.run("CREATE TABLE hop_in_flight AS SELECT 1 AS x");
      await con.run("CREATE TABLE node_earnings AS SELECT 1 AS x");
      await createViews(con);
      expect([await kindOf(con, "hop_in_flight"), await kindOf(con, "node_earnings")]).toEqual(["view", "view"]);
      expect(await rows(con, "SELECT count(*) AS n FROM node_earnings WHERE run_key = 'runA'")).toEqual([{ n: 3 }]);
    });
  });
});

describe("derived tables of an in-memory database", () => {
  it("are ordinary tables, dropped by dropDerivedTables", async () => {
    await withConnection(":memory:", async (con) => {
      await createViews(con);
      await con.run(
        "INSERT INTO imported_proxy_hop (run_key, req_id, sla_id, first_hop, received_at, responded_at, " +
          "service_status, status) VALUES ('r', 'q', 'e', true, 0, 1, 200, 200), ('r', 'q', 's', false, 4, 9, 200, 200)",
      );
      await createViews(con);
      for (const name of DERIVED_TABLES) expect([name, await kindOf(con, name)]).toEqual([name, "table"]);
      expect(await rows(con, "SELECT position, in_flight_ms FROM hop_in_flight")).toEqual([
        { position: 1, in_flight_ms: 4 },
      ]);
      expect(await rows(con, "SELECT hops, in_flight_sum_ms FROM request_sla")).toEqual([
        { hops: 1, in_flight_sum_ms: 4 },
      ]);
      await dropDerivedTables(con);
      expect((await kinds(con)).filter((o) => DERIVED_TABLES.includes(String(o.name)))).toEqual([]);
    });
  });
});
