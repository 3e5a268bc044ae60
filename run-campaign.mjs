#!/usr/bin/env zx
// Entry point: `npx zx run-campaign.mjs [options]`. Registers tsx so the TypeScript orchestrator runs without a
// build step, then hands over. With no option it compares every placement strategy on GIRAFF's dev tree here.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./orchestrator/compare/main.ts");
process.exitCode = await main(process.argv.slice(3));
