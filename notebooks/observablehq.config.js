// Observable Framework configuration of the campaign report. Built by build.ts, which sets GIRAFF_CAMPAIGN_DIR for
// the data loaders and GIRAFF_REPORT_OUT for the output folder. Offline rules: reference/toolchain.md §2.
export default {
  title: "GIRAFF-TS campaign report",
  root: "src",
  output: process.env.GIRAFF_REPORT_OUT ?? "dist",
  pages: [
    { name: "Campaign overview", path: "/" },
    { name: "Strategies by network size", path: "/strategies" },
    { name: "One run", path: "/run" },
    { name: "Fidelity to GIRAFF's papers", path: "/fidelity" },
  ],
  // The default theme's Google Fonts stylesheet would be the only request leaving the machine.
  globalStylesheets: [],
  // No DuckDB-wasm in the pages (loaders query DuckDB in Node), and no extension download at build time.
  duckdb: { extensions: { json: null, parquet: null } },
  search: false,
  footer: "Built from campaign.duckdb by notebooks/build.ts.",
};
