/**
 * A campaign with `--provider grid5000`, as a user runs it, against the **fake** Grid'5000 API (on a virtual clock
 * driven 50× faster than real time) and a real OpenSSH sshd on loopback. The "VMs" are loopback addresses of the
 * reserved subnet (the fake's site network is 127.140.0.0/14), each served by the sshd: the real runtime entry
 * points run there, started over SSH, reached through SSH tunnels, and their events are collected over SFTP.
 * Only what cannot run here is simulated: libvirt, qemu-img, tc, ping and reboots go to a transcript
 * (`G5K_SIMULATE_HOSTS`), which the test reads. Every ending — success, failure, SIGINT, SIGTERM, an abort at each
 * step — must leave no job alive in the fake API, and the password must appear nowhere.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../../../runtime/testing/wait.ts";
import { runCampaign } from "../../../campaign/run/run-campaign.ts";
import { startFakeGrid5000, type FakeGrid5000 } from "../fake/index.ts";
import { sshdSkipReason, startSshd, type Sshd } from "../transport/testing/sshd.ts";
import { REPO_ROOT, startCampaignCli } from "../../../campaign/run/testing.ts";

const ROOT = REPO_ROOT;
const PASSWORD = "s3cret-Pa55-g5k-campaign";
const LONG = 400_000;
const skip = sshdSkipReason();
const scratch = mkdtempSync(join(tmpdir(), "giraff-g5k-campaign-"));

let fake: FakeGrid5000;
let sshd: Sshd;
let ticker: NodeJS.Timeout | undefined;
/** The fake's clock follows real time 50× faster while `ticking`: jobs start in half a second. */
const tick = (on: boolean) => {
  clearInterval(ticker);
  ticker = on ? setInterval(() => fake.clock.advance(1000), 20) : undefined;
};

beforeAll(async () => {
  if (skip) return;
  fake = await startFakeGrid5000({
    auth: { mode: "outside", users: { alice: PASSWORD } },
    // nancy's real 10.144.0.0/14 moved onto loopback, where the sshd below serves the VMs' addresses
    loopback: { nancy: "127.140.0.0/14" },
  });
  // VM addresses: 127.140.0.2 and up (network, first host skipped)
  const vms = Array.from({ length: 8 }, (_, i) => `ListenAddress 127.140.0.${i + 2}`);
  sshd = await startSshd({ listenAddress: "127.140.0.1", allowTcpForwarding: true, extraConfig: vms });
}, 60_000);

afterAll(async () => {
  tick(false);
  await sshd?.stop();
  await fake?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A campaign folder: 3 fog nodes of the dev topology, two strategies, a few seconds of arrivals and reservations. */
function campaignFolder(name: string, extra: string[] = []): string {
  const folder = join(scratch, name);
  mkdirSync(folder, { recursive: true });
  const dev = JSON.parse(readFileSync(join(ROOT, "experiments/topologies/dev.json"), "utf8"));
  const keep = new Set(["market", "node_1", "node_12"]);
  writeFileSync(
    join(folder, "topology.json"),
    JSON.stringify({ ...dev, nodes: dev.nodes.filter((n: { name: string }) => keep.has(n.name)) }),
  );
  writeFileSync(
    join(folder, ".env"),
    [
      'STRATEGIES="auction edge-first"',
      "TOPOLOGY=topology.json",
      "PROVIDER=grid5000",
      "CLUSTER=gros",
      "DEPLOYMENT_WALLTIME=10:00:00",
      "EXPERIMENT_DURATION=3",
      "WARMUP_TIME=0",
      // 3 s reservations whose IoT windows end 2 s before them: the plan needs at most 2 s after its last arrival
      "DURATION_MULTIPLIER=1",
      "FUNCTION_STOP_OVERHEAD=2000",
      "FUNCTION_MIN_DURATION=3000",
      "WAIT_TIME=2",
      "RUN_TIMEOUT=120",
      'PIPELINES="image-classification"',
      "NB_IMAGE_FUNCTIONS=1",
      "G5K_USER=alice",
      `G5K_API_URL=${fake.baseUrl}`,
      "G5K_JUMP=none",
      `G5K_SSH_KEY=${sshd.clientKeyPath}`,
      `G5K_IMAGE_SHA256=${"ab".repeat(32)}`,
      `G5K_VM_SSH_PORT=${sshd.port}`,
      `G5K_VM_REPO=${ROOT}`,
      `G5K_VM_WORKDIR=${join(scratch, name, "vms")}`,
      "G5K_FAAS=embedded",
      "G5K_POLL_S=0.1",
      `G5K_SIMULATE_HOSTS=${join(scratch, name, "hosts.transcript")}`,
      ...extra,
    ].join("\n"),
  );
  return folder;
}

/**
 * The login comes from python-grid5000's file in the home directory, as a researcher who uses EnOSlib has it; the
 * campaign's tracked .env holds only the user name.
 */
const home = join(scratch, "home");
mkdirSync(home, { recursive: true });
writeFileSync(join(home, ".python-grid5000.yaml"), `username: alice\npassword: "${PASSWORD}"\n`, { mode: 0o600 });
/**
 * The fake API speaks HTTPS with a throwaway CA: the CLI child trusts it through NODE_EXTRA_CA_CERTS, as a user
 * behind a corporate CA would; in-process campaigns (below) name it with G5K_API_CA in the campaign's .env.
 */
const campaign = (args: string[]) => startCampaignCli(args, { HOME: home, NODE_EXTRA_CA_CERTS: fake.caPath });

/** Jobs of the fake that are not over, after letting pending deletions settle. */
function aliveJobs(): { uid: number; name: string | null; state: string }[] {
  fake.clock.advance(10_000);
  return [...fake.jobs.jobs.values()]
    .filter((j) => ["waiting", "launching", "running"].includes(j.state))
    .map((j) => ({ uid: j.uid, name: j.name, state: j.state }));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function expectNoSecret(texts: string[], dirs: string[]) {
  const token = Buffer.from(`alice:${PASSWORD}`).toString("base64");
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(token);
  }
  for (const file of dirs.flatMap(filesUnder)) {
    if (file.endsWith(".env") && file.includes(scratch) && !file.includes("vms")) continue; // the campaign's own .env
    const content = readFileSync(file);
    expect(content.includes(PASSWORD), file).toBe(false);
    expect(content.includes(token), file).toBe(false);
  }
}

describe.skipIf(skip !== undefined)("a campaign on the grid5000 provider (fake API, real sshd)", () => {
  it(
    "reserves one job, runs both strategies on it, collects the VMs' events and deletes the job",
    async () => {
      tick(true);
      const before = fake.requests.length;
      const folder = campaignFolder("ok");
      const out = join(scratch, "ok-out");
      const c = campaign([folder, "--out", out]);
      const code = await c.exited;
      expect(code, `${c.err()}\n${JSON.stringify(fake.requests.map((r) => [r.method, r.path, r.status]))}`).toBe(0);
      const runs = readdirSync(out).filter((d) => /^[0-9a-f]{16}$/.test(d));
      expect(runs).toHaveLength(2);
      for (const run of runs) {
        const events = readdirSync(join(out, run, "events")).sort();
        expect(events).toEqual(
          expect.arrayContaining([
            "iot.jsonl",
            "market.jsonl",
            "node-market.jsonl",
            "node-node_1.jsonl",
            "replayer.jsonl",
          ]),
        );
        const scenario = JSON.parse(readFileSync(join(out, run, "scenario.json"), "utf8"));
        expect(scenario.functions.placed).toBeGreaterThan(0);
        // placed is not enough: every placed function must also have been provisioned on its node's gateway
        // (the embedded gateway asks for its basic-auth password; a node that does not send it gets 401)
        expect(scenario.replay.steps.provision).toEqual({ ok: expect.any(Number), failed: 0 });
        expect(scenario.replay.steps.provision.ok).toBeGreaterThan(0);
      }
      // one job for the topology, shared by the two strategies, deleted at the end
      const submitted = fake.requests
        .slice(before)
        .filter((r) => r.method === "POST" && r.path === "/sites/nancy/jobs");
      expect(submitted).toHaveLength(1);
      expect(aliveJobs()).toEqual([]);
      // libvirt and tc were only simulated: their transcript shows what would have run
      const transcript = readFileSync(join(folder, "hosts.transcript"), "utf8");
      expect(transcript.match(/^virsh create /gm)).toHaveLength(4);
      expect(transcript).toMatch(/qemu-img create -f qcow2 -F qcow2 -b \/tmp\/giraff-vms\/base.qcow2/);
      expect(transcript).toMatch(/tc qdisc add dev eth0 parent 1:1 handle 10: netem delay/);
      expect(transcript).toMatch(/^\$ 127\.140\.0\.\d\nping -n -q -c 10 -i 0.2 -w 20 127\.140\.0\.\d$/m);
      expect(transcript.match(/systemctl reboot/g)).toHaveLength(4 * 2);
      expectNoSecret([c.out(), c.err()], [out, join(folder, "vms")]);
    },
    LONG,
  );

  it(
    "refuses to reserve when the job could end after DO_NOT_EXECUTE_IF_ENDING_AFTER: exit 127 with a sentence",
    async () => {
      tick(true);
      const before = fake.requests.length;
      const folder = campaignFolder("late", [
        "DO_NOT_EXECUTE_IF_ENDING_AFTER=today",
        "DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR=0000",
      ]);
      const c = campaign([folder, "--out", join(scratch, "late-out")]);
      expect(await c.exited, c.err()).toBe(127);
      expect(c.out()).toMatch(/2 runs were not started: .*Rerun with --resume-failed/);
      expect(fake.requests.slice(before).filter((r) => r.method === "POST")).toEqual([]);
    },
    LONG,
  );

  it(
    "stops with a sentence naming TLS when the API's CA is not trusted: nothing reaches the API, nothing is retried",
    async () => {
      const before = fake.rawRequestCount();
      const folder = campaignFolder("untrusted");
      const c = startCampaignCli([folder, "--out", join(scratch, "untrusted-out")], { HOME: home });
      expect(await c.exited, c.err()).not.toBe(0);
      const output = c.out() + c.err();
      expect(output).toMatch(/TLS certificate refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      expect(output).toMatch(/NODE_EXTRA_CA_CERTS=<ca\.pem> or G5K_API_CA=<ca\.pem>/);
      expect(output).not.toMatch(/retrying in/);
      expect(fake.rawRequestCount()).toBe(before);
      expectNoSecret([c.out(), c.err()], [join(scratch, "untrusted-out")]);
    },
    LONG,
  );

  it.each([
    ["SIGINT", "reserve"],
    ["SIGTERM", "runScenario"],
  ] as const)(
    "%s during %s deletes the job",
    async (signal, step) => {
      tick(step !== "reserve"); // a stopped clock keeps the job waiting: the campaign is inside reserve
      const folder = campaignFolder(`${signal}-${step}`);
      const c = campaign([folder, "--out", join(scratch, `${signal}-${step}-out`)]);
      const marker = step === "reserve" ? /reserve: submitting/ : /^\s+\S+: runScenario$/m;
      await waitUntil(`the campaign to be in ${step}`, () => marker.test(c.err()), { timeoutMs: 120_000 });
      if (step === "reserve")
        await waitUntil("the job to exist", () => fake.requests.some((r) => r.method === "POST"), {
          timeoutMs: 30_000,
        });
      if (step === "runScenario") expect(c.err()).toMatch(/deploy: 3 nodes registered with the market/);
      c.child.kill(signal);
      expect(await c.exited, c.err()).toBe(130);
      tick(true);
      expect(aliveJobs()).toEqual([]);
      expectNoSecret([c.out(), c.err()], [join(scratch, `${signal}-${step}-out`)]);
    },
    LONG,
  );

  it.each(["reserve", "boot", "deploy", "emulateNetwork", "runScenario", "collect", "reset"])(
    "an abort during %s leaves no job alive",
    async (step) => {
      tick(true);
      const folder = campaignFolder(`abort-${step}`, [`G5K_API_CA=${fake.caPath}`]);
      const controller = new AbortController();
      const lines: string[] = [];
      const result = await runCampaign({
        folder,
        out: join(scratch, `abort-${step}-out`),
        mode: "fresh",
        force: false,
        retries: 1,
        halt: "never",
        dryRun: false,
        signal: controller.signal,
        env: { ...process.env, HOME: home },
        print: (l) => lines.push(l),
        log: (l) => lines.push(l),
        onStep: (_key, s) => {
          if (s === step) controller.abort(new Error("SIGINT"));
        },
      });
      expect(result.exitCode, lines.join("\n")).toBe(130);
      expect(aliveJobs()).toEqual([]);
      expectNoSecret(lines, [join(scratch, `abort-${step}-out`)]);
    },
    LONG,
  );
});
