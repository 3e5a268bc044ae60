#!/usr/bin/env zx
// Entry point: `npx zx run-campaign.mjs [experiments/<name>] [options]` (see --help). Registers tsx so the
// TypeScript orchestrator runs without a build step, then hands over. With no argument it runs
// experiments/default on this machine.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./orchestrator/campaign/run/cli.ts");
process.exitCode = await main(process.argv.slice(3));
