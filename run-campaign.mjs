#!/usr/bin/env zx
// A campaign, step by step: `npx zx run-campaign.mjs [experiments/<name>] [options]` (--help for the options; with
// no argument, experiments/default on this machine). Each step is one call into the typed modules of orchestrator/,
// which hold the logic and the tests; adding a step (a warm-up check, say) is a line here, and the same line in
// runCampaign (orchestrator/campaign/run/run-campaign.ts: the steps in-process, for tests).
// Exit status: the number of failed runs (at most 101), 2 for bad input (before anything starts), 130 when
// interrupted. Ctrl-C stops the runs gracefully; a second Ctrl-C stops at once, still releasing the machines.
import { join } from "node:path";
import { register } from "tsx/esm/api";
import { $ } from "zx";

register(); // the orchestrator is TypeScript, run without a build step
const { campaignCommand } = await import("./orchestrator/campaign/run/cli.ts");

process.exitCode = await campaignCommand(process.argv, import.meta.url, async (options, { print, log, stop }) => {
  // Load the campaign folder into one validated object: a bad value exits 2, naming it, before anything starts.
  const { loadCampaign } = await import("./orchestrator/campaign/config/index.ts");
  const campaign = await loadCampaign(options.folder);
  // Only now the runner's modules (batch, analysis, figures): a second of loading a bad campaign never waits for.
  const run = await import("./orchestrator/campaign/run/index.ts");

  // The provider by name (--provider, or the campaign's PROVIDER), its own settings parsed once (G5K_… on grid5000).
  const provider = await run.selectProvider(campaign, options.provider, log);
  // Plan the runs: the run matrix, each topology and workload plan (deterministic), each plan against WAIT_TIME.
  const planned = run.planRuns(campaign);
  // What each topology needs: the provider's own plan(), with the exact bodies it would send.
  const reservations = await run.planDeployments(campaign, planned, provider);
  // --dry-run stops here, having printed the runs, the topologies and what would be reserved.
  const concurrency = options.jobs ?? campaign.deployment.nbInParallel;
  if (options.dryRun) return run.printDryRun(campaign, planned, reservations, provider, concurrency, print);
  // A size the testbed cannot hold stops the campaign now (exit 2), before anything is reserved or written.
  run.checkCapacity(campaign, reservations, provider);

  const out = options.out ?? join("metrics-arks", campaign.name);
  // The machines: credentials are read here, once (grid5000); each deployment is reserved by its first run.
  const machines = await run.openDeployments(provider, out);
  // What ran, for later: the resolved campaign, seeds, git commit and lockfile hash in <out>/campaign.json.
  run.recordCampaign(out, campaign, planned.runs);
  // Every run through the batch runner (resumable, --jobs at a time) on a reserved and booted deployment (its own
  // on local, its topology's on grid5000), released always, even on Ctrl-C:
  const batch = await run.runAll(campaign, planned, machines, { ...options, out, stop, log }, async (one) => {
    await one.deploy(); // the runtime with the run's strategy: market, nodes, gateways, proxies, IoT emulator
    await one.emulateNetwork(); // the topology's link latencies and losses
    await one.warmUp(); // WARMUP_TIME before the first request
    await one.replay(); // the workload plan: submit, provision, wire, start the IoT sources
    await one.drain(); // WAIT_TIME, then until no IoT source sends or has a request in flight
    await one.collect(); // events and logs into the run directory
    await one.reset(); // clean machines for the topology's next strategy
  });
  // Replay and IoT counts per strategy, from the runs' scenario.json.
  run.printRunSummary(out, print);
  if (!batch.interrupted) {
    // DuckDB ingestion and the headline metrics per strategy (a failure leaves the runs intact: rerun it alone),
    // then the figures (<out>/figures/), then on --report the static report (<out>/report/, about 25 s).
    if (await run.ingest(out, print, log)) {
      await run.drawFigures(out, print, log);
      if (options.report) await $({ stdio: "inherit" })`npm run -s report -- ${out}`.nothrow();
    }
  }
  // The totals; the exit status counts the failed runs.
  return run.finish(batch, out, print);
});
