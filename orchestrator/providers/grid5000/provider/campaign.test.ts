/**
 * A campaign with `--provider grid5000`, as a user runs it, against the **fake** Grid'5000 API (HTTPS, on a virtual
 * clock driven 50× faster than real time) and a real OpenSSH sshd on loopback, which plays two kinds of machines:
 *
 * - the **hosts** of the job (gros-1… mapped to 127.139.0.1… by G5K_SSH_RESOLVE), as in a job without the `deploy`
 *   type: the Grid'5000 login logs in, root is refused until a `sudo-g5k` stand-in has appended the login's keys
 *   to that host's root keys (provider/testing/g5k-hosts.ts);
 * - the **VMs**, loopback addresses of the reserved subnet (the fake's nancy /14 moved to 127.140.0.0/14): the real
 *   runtime entry points run there, started over SSH, reached through SSH tunnels, their events collected over
 *   SFTP, their host keys trusted on first use in the deployment's own known_hosts.
 *
 * Only what cannot run here is simulated: libvirt, qemu-img, mount, tc, ping and reboots go to a transcript
 * (`G5K_SIMULATE_HOSTS`), where the commands that really ran over SSH on the hosts (sudo-g5k, the root check) are
 * recorded too, in order. Every ending — success, failure, SIGINT, SIGTERM, an abort at each step — must leave no
 * job alive in the fake API, and the password must appear nowhere.
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
import { SshTransport } from "../transport/index.ts";
import { sshdSkipReason, startSshd, type Sshd } from "../transport/testing/sshd.ts";
import { prepareG5kHosts, type G5kHosts } from "./testing/g5k-hosts.ts";
import { REPO_ROOT, startCampaignCli } from "../../../campaign/run/testing/campaigns.ts";

const ROOT = REPO_ROOT;
const PASSWORD = "s3cret-Pa55-g5k-campaign";
const LONG = 400_000;
const skip = sshdSkipReason();
const scratch = mkdtempSync(join(tmpdir(), "giraff-g5k-campaign-"));

let fake: FakeGrid5000;
let sshd: Sshd;
let hosts: G5kHosts;
/** gros-1… of the fake's nancy, each at its own loopback address of the same sshd (which listens on 16 at most). */
const HOSTS = Array.from({ length: 6 }, (_, i) => ({
  name: `gros-${i + 1}.nancy.grid5000.fr`,
  address: `127.139.0.${i + 1}`,
}));
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
  hosts = await prepareG5kHosts({ login: "alice", addresses: HOSTS.map((h) => h.address) });
  sshd = await startSshd({
    listenAddress: "127.140.0.1",
    allowTcpForwarding: true,
    extraConfig: [...vms, ...hosts.extraConfig],
  });
  // the login's NFS home holds the key the campaign uses, as on Grid'5000
  await hosts.authorizeLogin(sshd.clientKeyPath);
}, 60_000);

afterAll(async () => {
  tick(false);
  await sshd?.stop();
  await hosts?.close();
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
      // G5K_FAAS unset: its default, embedded
      "G5K_POLL_S=0.1",
      `G5K_SIMULATE_HOSTS=${join(scratch, name, "hosts.transcript")}`,
      `G5K_SSH_RESOLVE=${HOSTS.map((h) => `${h.name}=${h.address}:${sshd.port}`).join(",")}`,
      // never the user's own ~/.ssh/known_hosts: this sshd's host key is new at every test run
      `G5K_KNOWN_HOSTS=${join(scratch, name, "known_hosts")}`,
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

/** What `id -u` prints as root on a host address, or why the login failed. */
async function rootLogsIn(address: string): Promise<string> {
  return runAs("root", address, "id -u");
}

async function loginLogsIn(address: string): Promise<string> {
  return runAs("alice", address, "id -un");
}

async function runAs(user: string, address: string, command: string): Promise<string> {
  const ssh = await SshTransport.create({ credentials: { privateKeyPath: sshd.clientKeyPath }, hostKeyPolicy: "off" });
  try {
    const r = await ssh.exec({ name: `${user}@${address}`, address, port: sshd.port, user }, command);
    return r.stdoutTail.trim();
  } catch (err) {
    return (err as Error).message;
  } finally {
    await ssh.close();
  }
}

/** Transcript blocks in order: `{ who, command }` where who is `<host>` (simulated) or `<user>@<host>` (over SSH). */
function blocks(transcript: string): { who: string; command: string }[] {
  return transcript
    .split(/^\$ /m)
    .filter((b) => b !== "")
    .map((b) => ({ who: b.slice(0, b.indexOf("\n")), command: b.slice(b.indexOf("\n") + 1).trimEnd() }));
}

/** On every host with a libvirt command: sudo-g5k as the login, then root logs in, and only then libvirt. */
function expectRootBeforeLibvirt(transcript: string) {
  const all = blocks(transcript);
  const libvirtHosts = [...new Set(all.filter((b) => /^virsh /m.test(b.command)).map((b) => b.who))];
  expect(libvirtHosts.length).toBeGreaterThan(0);
  for (const host of libvirtHosts) {
    const sudo = all.findIndex(
      (b) => b.who === `alice@${host}` && /\| sudo-g5k tee -a \/root\/\.ssh\/authorized_keys/.test(b.command),
    );
    const root = all.findIndex((b) => b.who === `root@${host}` && b.command === "id -u");
    const firstVirsh = all.findIndex((b) => b.who === host && /^virsh /m.test(b.command));
    const mount = all.findIndex((b) => b.who === host && b.command.includes("mount --bind /tmp/giraff-vms"));
    expect(sudo, `sudo-g5k on ${host}`).toBeGreaterThan(-1);
    expect([sudo < root, root < mount, mount < firstVirsh], host).toEqual([true, true, true]);
  }
}

/** Every domain started carries root's keys (the campaign's key) as an SMBIOS credential, written before create. */
function expectKeysInDomains(transcript: string, publicKey: string) {
  const all = blocks(transcript);
  const creates = all.flatMap((b, i) => (b.command.startsWith("virsh create ") ? [i] : []));
  for (const i of creates) {
    const vm = /\/([^/]+)\.xml$/.exec(all[i]!.command)![1]!;
    const domain = all
      .slice(0, i)
      .findLast((b) => b.who === all[i]!.who && b.command.startsWith(`cat > /tmp/giraff-vms/${vm}.xml`));
    const entry = /io\.systemd\.credential\.binary:ssh\.authorized_keys\.root=([A-Za-z0-9+/=]+)/.exec(domain!.command);
    expect(Buffer.from(entry![1]!, "base64").toString(), vm).toContain(publicKey.trim());
  }
}

/** The VMs took their addresses from the lease's subnet(s), VM i from subnet floor(i / 1021), as the log says. */
function expectSubnetsOfLease(out: string, log: string) {
  const stateFile = filesUnder(out).find((f) => f.endsWith("grid5000-state.json"))!;
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  const subnets: string[] = state.lease.subnets;
  expect(log).toContain(`addresses from ${subnets[0]}`);
  state.vms.forEach((vm: { ip: string }, i: number) => {
    const [base, bits] = subnets[Math.floor(i / 1021)]!.split("/");
    const toInt = (ip: string) => ip.split(".").reduce((a, b) => a * 256 + Number(b), 0);
    expect(Math.floor(toInt(vm.ip) / 2 ** (32 - Number(bits))), vm.ip).toBe(toInt(base!) / 2 ** (32 - Number(bits)));
  });
}

describe.skipIf(skip !== undefined)("a campaign on the grid5000 provider (fake API, real sshd)", () => {
  it(
    "reserves one job, gets root on its hosts through sudo-g5k, runs both strategies, collects and deletes the job",
    async () => {
      // as on Grid'5000 in a job without the deploy type: the login gets in, root does not
      expect(await rootLogsIn(HOSTS[0]!.address)).toMatch(/refused|authentication/i);
      expect(await loginLogsIn(HOSTS[0]!.address)).toBe("alice");
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
      // libvirt and tc were only simulated: their transcript shows what would have run, after what ran for real
      const transcript = readFileSync(join(folder, "hosts.transcript"), "utf8");
      expect(transcript.match(/^virsh create /gm)).toHaveLength(4);
      expectRootBeforeLibvirt(transcript);
      expectKeysInDomains(transcript, readFileSync(`${sshd.clientKeyPath}.pub`, "utf8"));
      expect(transcript).toMatch(
        /qemu-img create -f qcow2 -F qcow2 -b \/var\/lib\/libvirt\/images\/giraff-vms\/base.qcow2/,
      );
      expectSubnetsOfLease(out, c.err());
      // the NFS home access for the VMs' addresses was granted before any VM started
      const log = c.err();
      expect(log.indexOf("boot: NFS home access granted")).toBeGreaterThan(-1);
      expect(log.indexOf("boot: NFS home access granted")).toBeLessThan(log.indexOf("boot: starting 4 VMs"));
      // the VMs' host keys were trusted on first use in the deployment's own file, not the user's
      expect(log).toMatch(
        /first contact with \[127\.140\.0\.\d+\]:\d+: its key SHA256:\S+ is now trusted in \S+vm_known_hosts/,
      );
      expect(transcript).toMatch(/tc qdisc add dev eth0 parent 1:1 handle 10: netem delay/);
      expect(transcript).toMatch(/^\$ 127\.140\.0\.\d\nping -n -q -c 10 -i 0.2 -w 20 127\.140\.0\.\d$/m);
      expect(transcript.match(/systemctl reboot/g)).toHaveLength(4 * 2);
      expectNoSecret([c.out(), c.err()], [out, join(folder, "vms")]);
      // root was given on the hosts of the job, and only there
      const used = HOSTS.filter((h) => transcript.includes(`$ alice@${h.name}\n`));
      expect(used.length).toBeGreaterThan(0);
      for (const h of used) expect(await rootLogsIn(h.address)).toBe("0");
      const unused = HOSTS.find((h) => !used.includes(h))!;
      expect(await rootLogsIn(unused.address)).toMatch(/refused|authentication/i);
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
