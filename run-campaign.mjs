#!/usr/bin/env zx
// Entry point: `npx zx run-campaign.mjs [experiments/<name>] [options]` (see --help). Registers tsx so the
// TypeScript orchestrator runs without a build step, then hands over. With no argument it runs
// experiments/default on this machine. The arguments are those after this script's path, however it was started
// (`npx zx run-campaign.mjs`, `./run-campaign.mjs`, `node run-campaign.mjs`).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { main } = await import("./orchestrator/campaign/run/cli.ts");
const self = realpathSync(fileURLToPath(import.meta.url));
const at = process.argv.findIndex((arg, i) => i > 0 && isThisScript(arg));
if (at === -1) throw new Error(`Cannot find ${self} among the process arguments ${JSON.stringify(process.argv)}.`);
process.exitCode = await main(process.argv.slice(at + 1));

function isThisScript(arg) {
  try {
    return realpathSync(arg) === self;
  } catch {
    return false;
  }
}
