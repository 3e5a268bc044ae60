/**
 * Every shell command of every README, as a user would type it. Which text counts as a command is defined at the
 * top of readme-commands.ts (fenced shell blocks, and inline code spans that start with npm, npx, node, curl, nix,
 * nix-instantiate or docker). Each command is either
 *
 * - **run exactly as written** by one of the scenarios below (`RUN`), in a temporary copy of the repository (its
 *   `node_modules` linked) where `metrics-arks/` holds a small fixture campaign; placeholders (`<campaign>`,
 *   `<campaignDir>`, `<bundle>`, `<sla id>`, …) are replaced by what the scenario created, and `/tmp/c` by a
 *   temporary folder. Each run checks the exit status and a line of output; a server is started, its URL fetched,
 *   then stopped with Ctrl-C (SIGINT to its process group); or
 * - **too long or impossible here** (a 6-minute campaign, Grid'5000, Nix, Docker, the test suite itself), and
 *   listed in `ELSEWHERE` with the test file or script that runs the same entry point, which must exist and name
 *   it (`ranBy: null` only with a `why`: a command no test runs yet). Its arguments are still checked: `--help`
 *   must name every `--option` the README gives it, and each `checks` command (the README's arguments plus
 *   `--dry-run`, usually) must exit as expected.
 *
 * A README command in neither list, or a listed command no README has any more, fails the first test. The commands
 * use the ports their READMEs give (functions on 5000, the gateway on 8080, the launcher's 127.77 subnet), so two
 * runs of this file cannot overlap; report:serve's 8090 is left to notebooks/serve.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import jpeg from "jpeg-js";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFixtureCampaign } from "./orchestrator/analysis/testing/fixtures.ts";
import {
  killStartedJobs,
  readmeCommands,
  runShell,
  signalJob,
  startShell,
  waitForOutput,
  type Ended,
} from "./readme-commands.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
const CAMPAIGN = "readme-fixture";

/** One README command run as written: `readme` is its exact text, `run` its text after substitution. */
interface Step {
  readme: string;
  exit?: number;
  stdout?: RegExp;
  stderr?: RegExp;
}

/** Commands run elsewhere, with the checks of their arguments run here. */
interface Elsewhere {
  /**
   * The test file (or script) that runs the same entry point, relative to the repository root; `null` when none
   * does yet, which `why` must explain.
   */
  ranBy: string | null;
  /** The entry point, as `ranBy` names it. */
  entry: string;
  /** Prints the usage; every `--option` of the README command must appear in it. */
  help?: string;
  /** Commands run here: what their output (stdout and stderr) must show, and their exit status (default 0). */
  checks?: [command: string, output: RegExp, exit?: number][];
  /** Why nothing of the command can run here, when there is no help and no check. */
  why?: string;
}

const CAMPAIGN_TEST = "orchestrator/campaign/run/campaign.test.ts";
const CI = ".ci/run";
const BENCH_HERE = "readme-commands.test.ts";
const FLAKE_TEST = "orchestrator/providers/grid5000/vms/image-flake.test.ts";
const NIX_WHY = "no Nix and no network to nixpkgs here; image-flake.test.ts parses the flake when Nix is installed";
const DOCKER_WHY = "no Docker daemon here (functions/README.md says what was verified instead)";
const dryRun = /Dry run: nothing was started, reserved or written\./;
const G5K_CAMPAIGN_TEST = "orchestrator/providers/grid5000/provider/campaign.test.ts";
const G5K_WHY = "on Grid'5000 only (its access gateway, frontend, OAR and NFS home) or on a machine with Nix";
const benchDry = /"dryRun": true/;

// prettier-ignore
const ELSEWHERE: Record<string, Elsewhere> = {
  "npm ci && npx zx run-campaign.mjs": { ranBy: CAMPAIGN_TEST, entry: "run-campaign.mjs", checks: [["npx zx run-campaign.mjs --dry-run", dryRun]] },
  "npx zx run-campaign.mjs": { ranBy: CAMPAIGN_TEST, entry: "run-campaign.mjs", checks: [["npx zx run-campaign.mjs --dry-run", dryRun]] },
  "npx zx run-campaign.mjs [experiments/<name>] [--provider local|grid5000] [--resume | --resume-failed | --retry-failed | --fresh] [--jobs N] [--dry-run]":
    { ranBy: CAMPAIGN_TEST, entry: "run-campaign.mjs", help: "npx zx run-campaign.mjs --help", checks: [["npx zx run-campaign.mjs experiments/default --provider local --resume --jobs 2 --dry-run", dryRun]] },
  "npx zx run-campaign.mjs <campaign> --provider grid5000": {
    ranBy: "orchestrator/providers/grid5000/provider/campaign.test.ts", entry: "run-campaign",
    checks: [["npx zx run-campaign.mjs experiments/default --provider grid5000 --dry-run", /POST https:\/\/api\.grid5000\.fr\/stable\/sites\/\w+\/jobs/]],
  },
  "npm test": { ranBy: CI, entry: "npm test", checks: [["npm run", /^ {2}test\n {4}npm run typecheck && npm run lint && npm run test:unit$/m]] },
  "npm ci": { ranBy: CI, entry: "npm ci", why: "it reinstalls node_modules, which every other test uses" },
  "npm run test:unit": { ranBy: CI, entry: "npm test", checks: [["npm run", /^ {2}test:unit\n {4}TZ=UTC vitest run$/m]] },
  "npx vitest run notebooks": { ranBy: CI, entry: "npm test", checks: [["npx vitest list --filesOnly notebooks", /notebooks\/build\.test\.ts/]] },
  "npm run bench [-- [--only <name,…>] [--quick]]": { ranBy: BENCH_HERE, entry: "npm run -s bench", help: "npm run -s bench -- --help", checks: [["npm run -s bench -- --only deviations --quick --dry-run", benchDry]] },
  "npm run bench": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run bench -- --dry-run", benchDry]] },
  "npm run -s bench": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run -s bench -- --dry-run", benchDry]] },
  "npm run -s bench -- --quick": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run -s bench -- --quick --dry-run", benchDry]] },
  "npm run -s bench -- --only throughput,warmup": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run -s bench -- --only throughput,warmup --dry-run", benchDry]] },
  "npm run -s bench -- --seed 7": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run -s bench -- --seed 7 --dry-run", /"seed": 7/]] },
  "npm run -s bench -- --only ingest": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run -s bench -- --only ingest --dry-run", /"ingest"/]] },
  "npm run -s bench -- --only scale": { ranBy: BENCH_HERE, entry: "npm run -s bench", checks: [["npm run -s bench -- --only scale --dry-run", /"scale-100",\s+"scale-663",\s+"scale-2000",\s+"scale-10000",\s+"scale-growth"/]] },
  // experiments/scale-1000/README.md: a 45-minute campaign; its dry run is checked here, the pipeline run by the campaign test
  "npx zx run-campaign.mjs experiments/scale-1000 --dry-run": { ranBy: CAMPAIGN_TEST, entry: "run-campaign.mjs", checks: [["npx zx run-campaign.mjs experiments/scale-1000 --dry-run", dryRun]] },
  "/usr/bin/time -v npx zx run-campaign.mjs experiments/scale-1000": { ranBy: CAMPAIGN_TEST, entry: "run-campaign.mjs", checks: [["npx zx run-campaign.mjs experiments/scale-1000 --dry-run", dryRun]] },
  "npx tsx orchestrator/analysis/cli.ts emulation metrics-arks/scale-1000": { ranBy: "orchestrator/analysis/cli.test.ts", entry: "emulation", help: "npx tsx orchestrator/analysis/cli.ts --help" },
  "npm run report -- metrics-arks/default": { ranBy: "notebooks/report.test.ts", entry: "build.ts", checks: [["npm run report -- metrics-arks/default --dry-run", /would build the report of \S+\/metrics-arks\/default/]] },
  "npm run report -- metrics-arks/giraff-final": { ranBy: "notebooks/report.test.ts", entry: "build.ts", checks: [["npm run report -- metrics-arks/giraff-final --dry-run", /would build the report of \S+\/metrics-arks\/giraff-final/]] },
  "npm run bundle -- metrics-arks/<campaign> [--out file.tar.gz]": { ranBy: "orchestrator/bundle/bundle.test.ts", entry: "bundle-cli.ts", help: "npm run bundle -- --help" },
  // serve.test.ts runs it as written: the default port 8090, which two tests cannot share
  "npm run report:serve -- metrics-arks/<campaign>": { ranBy: "notebooks/serve.test.ts", entry: "npm run report:serve -- <campaignDir>", help: "npm run report:serve -- --help" },
  "npm run report:serve -- <campaignDir>": { ranBy: "notebooks/serve.test.ts", entry: "npm run report:serve -- <campaignDir>", help: "npm run report:serve -- --help" },
  "npm run report:screenshots -- metrics-arks/<campaign>": { ranBy: "notebooks/report.test.ts", entry: "screenshots.ts", help: "npm run report:screenshots -- --help", checks: [["npm run report:screenshots -- metrics-arks/not-built", /not-built has no built report; build it first/, 2]] },
  "npm run report:screenshots -- metrics-arks/default": { ranBy: "notebooks/report.test.ts", entry: "screenshots.ts", checks: [["npm run report:screenshots -- metrics-arks/default --width 100", /--width must be an integer from 320 to 3840/, 2]] },
  "node --import tsx runtime/node/cli.ts": { ranBy: "runtime/node/cli.test.ts", entry: "node/cli.ts", help: "node --import tsx runtime/node/cli.ts --help" },
  "npm ci --omit=dev": { ranBy: "functions/Dockerfile", entry: "npm ci --omit=dev", why: DOCKER_WHY },
  "docker build -f functions/Dockerfile --build-arg FUNCTION=<name> -t giraff-ts/<name>:latest .": { ranBy: "functions/Dockerfile", entry: "FUNCTION", why: DOCKER_WHY },
  "nix build .#giraff-ts": { ranBy: FLAKE_TEST, entry: "flake.nix", why: NIX_WHY },
  "npm run runtime -- --topology <file> --strategy <name> --open-registration": { ranBy: "runtime/security/registration.test.ts", entry: "openRegistration", help: "npm run runtime -- --help" },
  "nix flake lock": { ranBy: FLAKE_TEST, entry: "flake.nix", why: NIX_WHY },
  "nix build .#fog-node-qcow2": { ranBy: FLAKE_TEST, entry: "flake.nix", why: NIX_WHY },
  "nix build .#function-image-echo": { ranBy: FLAKE_TEST, entry: "nix/function-images.nix", why: NIX_WHY },
  "nix run --inputs-from . nixpkgs#nix-prefetch-github -- openfaas of-watchdog --rev 0.9.15": { ranBy: FLAKE_TEST, entry: "nix-prefetch-github -- openfaas of-watchdog --rev 0.9.15", why: NIX_WHY },
  "nix run --inputs-from . nixpkgs#nix-prefetch-docker -- --image-name ghcr.io/openfaas/faas-netes --image-tag 0.17.1 --json": { ranBy: FLAKE_TEST, entry: "nix-prefetch-docker -- --image-name", why: NIX_WHY },
  "nix run --inputs-from . nixpkgs#nix-prefetch-docker -- --image-name ghcr.io/openfaas/gateway --image-tag 0.27.2 --json": { ranBy: FLAKE_TEST, entry: "nix-prefetch-docker -- --image-name", why: NIX_WHY },
  // grid5000/README.md "First run on Grid'5000": what a researcher types on a frontend; the provider's campaign test
  // rehearses the campaign's side (sudo-g5k, the image's SHA-256, the job's deletion) against the fake API and sshd
  ...Object.fromEntries([
    "sha256sum result/nixos.qcow2",
    "ssh -J <login>@access.grid5000.fr <login>@nancy mkdir -p giraff",
    "scp -J <login>@access.grid5000.fr result/nixos.qcow2 <login>@nancy:giraff/nixos.qcow2",
    "ssh -J <login>@access.grid5000.fr <login>@nancy sha256sum giraff/nixos.qcow2",
    "ssh -J <login>@access.grid5000.fr <login>@nancy",
    "git clone <repository> giraff-ts",
    "cd giraff-ts && npm ci",
    "test -f ~/.ssh/id_ed25519 || ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_ed25519",
    `grep -qxF "$(cat ~/.ssh/id_ed25519.pub)" ~/.ssh/authorized_keys || cat ~/.ssh/id_ed25519.pub >> ~/.ssh/authorized_keys`,
    "chmod 600 ~/.python-grid5000.yaml",
    "tmux new -s giraff",
    "tmux attach -t giraff",
    "oarstat -u",
    "oardel <job id>",
  ].map((c): [string, Elsewhere] => [c, { ranBy: null, entry: c, why: G5K_WHY }])),
  "npx zx run-campaign.mjs experiments/<name> --provider grid5000 --dry-run": { ranBy: G5K_CAMPAIGN_TEST, entry: "run-campaign", checks: [["npx zx run-campaign.mjs experiments/default --provider grid5000 --dry-run", /POST https:\/\/api\.grid5000\.fr\/stable\/sites\/\w+\/jobs/]] },
  "npx zx run-campaign.mjs experiments/<name> --provider grid5000": { ranBy: G5K_CAMPAIGN_TEST, entry: "run-campaign", checks: [["npx zx run-campaign.mjs experiments/default --provider grid5000 --dry-run", /POST https:\/\/api\.grid5000\.fr\/stable\/sites\/\w+\/jobs/]] },
  "npx zx run-campaign.mjs experiments/<name> --provider grid5000 --resume": { ranBy: G5K_CAMPAIGN_TEST, entry: "run-campaign", help: "npx zx run-campaign.mjs --help" },
};

// prettier-ignore
const CAMPAIGN_STEPS: Step[] = [
  { readme: "npm run analysis -- ingest metrics-arks/<campaign>", stdout: /^Ingested 30 events of 2 new and 0 changed run\(s\)/m },
  { readme: "npx tsx orchestrator/analysis/cli.ts ingest <campaignDir>", stdout: /^Ingested 0 events .*; 2 unchanged/m },
  { readme: "npm run figures -- metrics-arks/<campaign>", stdout: /^Wrote 7 figure\(s\)\.$/m },
  { readme: "npx tsx orchestrator/figures/cli.ts <campaignDir>", stdout: /^Wrote 7 figure\(s\)\.$/m },
  { readme: "npx tsx orchestrator/figures/cli.ts <campaignDir> --only jain-index", stdout: /jain-index\.svg[\s\S]*^Wrote 1 figure\(s\)\.$/m },
  { readme: "npm run figures -- metrics-arks/giraff-final", stdout: /^Wrote 7 figure\(s\)\.$/m },
  { readme: "npm run report -- metrics-arks/<campaign>", stdout: /^Report written to \S+\/readme-fixture\/report; serve it with/m },
  { readme: "npm run bundle -- metrics-arks/<campaign>", stdout: /^Wrote \S+\/readme-fixture-bundle-\d{4}-\d\d-\d\d\.tar\.gz: \d+ file\(s\)/m },
];
const VERIFY_STEPS: Step[] = [
  { readme: "npm run verify -- <bundle>", stdout: /^Verified \S+: \d+ file\(s\) match SHA256SUMS; 2 run\(s\)/m },
  {
    readme: "npm run verify -- metrics-arks/<campaign>-bundle-<date>.tar.gz",
    stdout: /^Verified \S+: \d+ file\(s\) match SHA256SUMS; 2 run\(s\)/m,
  },
];

// prettier-ignore
const WITHOUT_ARGUMENTS: Step[] = [
  { readme: "npm run report", exit: 2, stderr: /^Expected one campaign directory, got 0\.\n\nUsage: npm run report -- <campaignDir>/m },
  { readme: "npm run bundle", exit: 2, stderr: /^Expected one campaign directory, got 0\.\n\nUsage: npm run bundle -- <campaignDir>/m },
  { readme: "npm run verify", exit: 2, stderr: /^Expected one bundle archive or directory, got 0\.\n\nUsage: npm run verify/m },
  { readme: "npm run runtime", exit: 2, stderr: /^The option --topology is required\.\n\nUsage: npm run runtime/m },
];

const RUNTIME = [
  "npm run runtime -- --topology experiments/topologies/dev.json --strategy auction",
  "npm run runtime -- --topology <file> --strategy <name>",
];
const MARKET = "http://127.77.255.254:30008";
const PLACE = [
  `curl -X PUT ${MARKET}/api/function -H 'content-type: application/json' -d '{
  "sla": {"memory": "100 MB", "cpu": "100 millicpu", "latencyMax": "200 ms", "duration": "60 s", "replicas": 1,
          "functionImage": "fn_echo", "functionLiveName": "echo-1", "inputMaxSize": "1500 B"},
  "targetNode": "43d71e91-ff58-5956-98b7-17b345f2494b"}'`,
  `curl -X POST ${MARKET}/api/function/<sla id>`,
  "curl http://<chosen.ip>:<chosen.port>/function/fogfn-<sla id> -d hi",
  `curl ${MARKET}/api/auctions/<sla id>`,
];

/** A function started as its README says, and the requests its README sends it. */
interface FunctionDemo {
  server: string;
  requests: Step[];
}
// prettier-ignore
const FUNCTIONS: FunctionDemo[] = [
  {
    server: "PORT=5000 SEED=run-1 EXECUTION_SCALE=0.1 node --import tsx functions/busy-spin/index.ts",
    requests: [
      { readme: "curl -s -X POST http://127.0.0.1:5000/", stdout: /"source":"law"/ },
      { readme: `curl -s -X POST -H 'content-type: application/json' -d '{"executionMs":200}' http://127.0.0.1:5000/`, stdout: /"source":"request","plannedMs":200/ },
    ],
  },
  {
    server: "PORT=5000 NAME=fogfn-1 ID=1 node --import tsx functions/echo/index.ts",
    requests: [{ readme: "curl -i -X POST --data hello http://127.0.0.1:5000/", stdout: /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nhello$/m }],
  },
  {
    server: "PORT=5000 node --import tsx functions/image-transform/index.ts",
    requests: [
      { readme: "curl -s -X POST http://127.0.0.1:5000/", stdout: /"source":"generated"/ },
      { readme: "curl -s -F file=@photo.jpg 'http://127.0.0.1:5000/?return=image' -o small.jpg", stdout: /^$/ },
    ],
  },
  {
    server: "PORT=5000 node --import tsx functions/sentiment/index.ts",
    requests: [{ readme: `curl -s -X POST -H 'content-type: application/json' -d '{"text":"Fog is great. Latency is awful!"}' http://127.0.0.1:5000/`, stdout: /"sentence_count":2/ }],
  },
  // the image's command (functions/README.md), on GIRAFF's port 5000 by default
  { server: "node --import tsx functions/<name>/index.ts", requests: [] },
];

const GATEWAY = "npx tsx runtime/faas/main.ts --port 8080";
const BATCH =
  "npx tsx orchestrator/batch/cli.ts --dir /tmp/c --jobs 4 -- node orchestrator/batch/fixtures/work.mjs {key} 100";
const BENCH = "npm run -s bench -- --only deviations";

const RUN = new Set([
  ...CAMPAIGN_STEPS.map((s) => s.readme),
  ...VERIFY_STEPS.map((s) => s.readme),
  ...WITHOUT_ARGUMENTS.map((s) => s.readme),
  ...RUNTIME,
  ...PLACE,
  ...FUNCTIONS.flatMap((f) => [f.server, ...f.requests.map((r) => r.readme)]),
  GATEWAY,
  BATCH,
  BENCH,
]);

let copy: string;
let scratch: string;

/** A copy of the repository's files (not node_modules, .git or results) with the fixture campaign in metrics-arks/. */
function copyRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), "giraff-readme-"));
  const skipped = ["node_modules", ".git", "metrics-arks", `notebooks${sep}dist`, `bench${sep}results`];
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const path = relative(ROOT, source);
      // a report build of the checkout holds notebooks/.build.lock: the copy builds on its own
      return !skipped.includes(path) && !path.includes(`.observablehq${sep}cache`) && !path.endsWith(".build.lock");
    },
  });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFixtureCampaign(join(dir, "metrics-arks", CAMPAIGN));
  // the shipped campaigns' result folders, as the experiments' READMEs name them
  for (const name of ["default", "giraff-final"]) symlinkSync(CAMPAIGN, join(dir, "metrics-arks", name));
  mkdirSync(join(dir, "metrics-arks", "not-built"));
  return dir;
}

beforeAll(() => {
  copy = copyRepository();
  scratch = mkdtempSync(join(tmpdir(), "giraff-readme-work-"));
  const pixels = Buffer.alloc(64 * 48 * 4, 0x80);
  writeFileSync(join(scratch, "photo.jpg"), jpeg.encode({ data: pixels, width: 64, height: 48 }, 90).data);
});

afterAll(() => {
  killStartedJobs();
  rmSync(copy, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const substitute = (text: string, values: Record<string, string>) =>
  Object.entries(values).reduce((t, [placeholder, value]) => t.replaceAll(placeholder, value), text);

/** Runs a step's command (after `values`) in `cwd` and checks its exit status and output. */
async function runStep(step: Step, cwd: string, values: Record<string, string> = {}): Promise<Ended> {
  const command = substitute(step.readme, values);
  const ended = await runShell(command, cwd, 60_000);
  const shown = `${command}\nstdout: ${ended.stdout}\nstderr: ${ended.stderr}`;
  expect(ended.code, shown).toBe(step.exit ?? 0);
  if (step.stdout !== undefined) expect(ended.stdout, shown).toMatch(step.stdout);
  if (step.stderr !== undefined) expect(ended.stderr, shown).toMatch(step.stderr);
  return ended;
}

/** Starts a server command, waits for `ready` on its stdout, runs `use`, then stops it with Ctrl-C. */
async function withServer(
  command: string,
  cwd: string,
  ready: RegExp,
  use: (match: RegExpExecArray) => Promise<void>,
): Promise<Ended> {
  const job = startShell(command, cwd);
  try {
    await use(await waitForOutput(job, ready, 60_000));
  } finally {
    signalJob(job, "SIGINT");
  }
  const timer = setTimeout(() => signalJob(job, "SIGKILL"), 20_000);
  const ended = await job.ended;
  clearTimeout(timer);
  // npm and npx end by the signal itself once their child has exited
  const shown = `${command}\nstdout: ${ended.stdout}\nstderr: ${ended.stderr}`;
  expect(ended.code ?? ended.signal, shown).toBe(/^np[mx] /.test(command) ? "SIGINT" : 0);
  expect(ended.stderr, shown).not.toMatch(/^\s+at /m);
  return ended;
}

describe("README commands", () => {
  const commands = readmeCommands(ROOT);

  it("are each run below or listed with the test that runs them", () => {
    const unlisted = commands.filter((c) => !RUN.has(c.command) && !(c.command in ELSEWHERE));
    expect(unlisted.map((c) => `${c.readme}:${c.line}: ${c.command}`)).toEqual([]);
    const written = new Set(commands.map((c) => c.command));
    expect([...RUN, ...Object.keys(ELSEWHERE)].filter((c) => !written.has(c))).toEqual([]);
    for (const [command, e] of Object.entries(ELSEWHERE)) {
      expect(e.help !== undefined || e.checks !== undefined || e.why !== undefined, command).toBe(true);
      if (e.ranBy === null) {
        expect(e.why, `${command}: no test runs it, and the table does not say why`).toBeDefined();
        continue;
      }
      expect(existsSync(join(ROOT, e.ranBy)), `${command}: ${e.ranBy}`).toBe(true);
      expect(readFileSync(join(ROOT, e.ranBy), "utf8"), `${command}: ${e.ranBy} names ${e.entry}`).toContain(e.entry);
    }
  });

  describe.concurrent("run as written", () => {
    it("the campaign commands: ingestion, figures, report, bundle and verification", async () => {
      const values = {
        "metrics-arks/<campaign>": `metrics-arks/${CAMPAIGN}`,
        "<campaignDir>": `metrics-arks/${CAMPAIGN}`,
      };
      let bundleOutput = "";
      for (const step of CAMPAIGN_STEPS) bundleOutput = (await runStep(step, copy, values)).stdout;
      const date = /-bundle-(\d{4}-\d\d-\d\d)\.tar\.gz/.exec(bundleOutput)![1]!;
      const bundle = `metrics-arks/${CAMPAIGN}-bundle-${date}.tar.gz`;
      const bundled = { ...values, "<bundle>": bundle, "<campaign>": CAMPAIGN, "<date>": date };
      // both READMEs' verify commands name the same archive: run it once
      const [root, bundleReadme] = VERIFY_STEPS;
      expect(substitute(bundleReadme!.readme, bundled)).toBe(substitute(root!.readme, bundled));
      await runStep(root!, copy, bundled);
    }, 240_000);

    it("the scripts that need arguments, without them: exit 2 with the usage", async () => {
      for (const step of WITHOUT_ARGUMENTS) await runStep(step, copy);
    }, 120_000);

    it("a fog network, a function placed, provisioned and called, the auction read back, Ctrl-C", async () => {
      const [written, launcher] = RUNTIME;
      const values = { "<file>": "experiments/topologies/dev.json", "<name>": "auction" };
      expect(substitute(launcher!, values)).toBe(written);
      const ended = await withServer(written!, copy, /^http:\/\/\S+$/m, async ([url]) => {
        expect(url).toBe(MARKET);
        const placed = await runStep({ readme: PLACE[0]!, stdout: /"chosen":/ }, scratch);
        const { sla, chosen } = JSON.parse(placed.stdout) as {
          sla: { id: string };
          chosen: { ip: string; port: string };
        };
        const ids = { "<sla id>": sla.id, "<chosen.ip>": chosen.ip, "<chosen.port>": chosen.port };
        await runStep({ readme: PLACE[1]!, stdout: new RegExp(`"functionName":"fogfn-${sla.id}"`) }, scratch, ids);
        await runStep({ readme: PLACE[2]!, stdout: /^hi$/ }, scratch, ids);
        await runStep({ readme: PLACE[3]!, stdout: /"outcome":"awarded"/ }, scratch, ids);
      });
      expect(ended.stderr).toContain("Stopped.");
    }, 180_000);

    it("the functions' own READMEs, one after the other on port 5000, and the gateway on 8080", async () => {
      for (const demo of FUNCTIONS) {
        await withServer(substitute(demo.server, { "<name>": "echo" }), copy, /^\{"listening":5000\}$/m, async () => {
          for (const request of demo.requests) await runStep(request, scratch);
        });
      }
      const small = readFileSync(join(scratch, "small.jpg"));
      expect(small.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      await withServer(GATEWAY, copy, /^\{"gateway":"(http:\/\/127\.0\.0\.1:8080)"/m, async ([, url]) => {
        expect(await (await fetch(`${url}/healthz`)).text()).toBe("OK");
      });
    }, 180_000);

    it("the batch runner's quick start and the deviation benchmark", async () => {
      const dir = join(scratch, "batch");
      mkdirSync(dir);
      await runStep({ readme: BATCH, stderr: /^batch: ran 4 \(4 ok, 0 failed\)/m }, copy, { "/tmp/c": dir });
      const bench = await runStep({ readme: BENCH, stdout: /^\{\n {2}"schema": "giraff-ts-bench\/1"/ }, copy);
      expect(JSON.parse(bench.stdout).benchmarks.deviations.completed).toBe(true);
    }, 120_000);

    it("the long ones' arguments: --help names every option the README gives, and the dry runs pass", async () => {
      // two at a time, and each command once however many README commands share it
      const limit = pLimit(2);
      const runs = new Map<string, Promise<Ended>>();
      const once = (command: string, output: RegExp, exit = 0) => {
        if (!runs.has(command))
          runs.set(
            command,
            limit(() => runShell(command, copy, 60_000)),
          );
        return runs.get(command)!.then((ended) => {
          const shown = `${command}\nstdout: ${ended.stdout}\nstderr: ${ended.stderr}`;
          expect(ended.code, shown).toBe(exit);
          expect(`${ended.stdout}${ended.stderr}`, shown).toMatch(output);
          return ended;
        });
      };
      const checked = Object.entries(ELSEWHERE).flatMap(([command, e]) => [
        ...(e.help === undefined
          ? []
          : [
              once(e.help, /Usage: /).then((help) => {
                for (const [option] of command.matchAll(/--[a-z][\w-]*/g))
                  expect(help.stdout, e.help).toContain(option);
              }),
            ]),
        ...(e.checks ?? []).map(([check, output, exit]) => once(check, output, exit)),
      ]);
      await Promise.all(checked);
    }, 240_000);
  });
});
