/**
 * The boot step against recording fakes (no SSH, no API): what happens on the hosts and in which order, for a
 * small plan and for one of more than 1,021 VMs, which needs a second /22.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tree } from "../../../../plan/topology/testing/tree.ts";
import type { DeploymentSpec, StepContext } from "../../../types.ts";
import type { Grid5000Client } from "../../api/index.ts";
import { addressesOf } from "../../plan/addresses.ts";
import { FakeExec } from "../../vms/testing/fake-exec.ts";
import { ProviderContext, type Grid5000ProviderEffects, type VmAccess } from "../context.ts";
import { grid5000Settings } from "../settings.ts";
import type { Grid5000State } from "../state.ts";
import { boot } from "./boot.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk9 alice@frontend\n";
const SUBNETS = ["10.144.4.0/22", "10.144.12.0/22"];
const HOSTS = Array.from({ length: 124 }, (_, i) => `gros-${i + 1}.nancy.grid5000.fr`);

/** Every effect records into one ordered list: `<kind> <host>: <first line>`. */
function world() {
  const order: string[] = [];
  const commands: string[] = [];
  const exec = (kind: string) =>
    new FakeExec().on(/.*/, ({ host, command }) => {
      order.push(`${kind} ${host}: ${command.split("\n")[0]}`);
      commands.push(command);
      if (command === "id -u") return { stdoutTail: "0\n" };
      if (command === "cat ~/.ssh/authorized_keys") return { stdoutTail: KEY };
      return {};
    });
  const granted: unknown[] = [];
  const client = {
    username: "alice",
    log: () => {},
    call: async (req: { method: string; path: string; body: unknown }) => {
      order.push(`api ${req.method} ${req.path}`);
      granted.push(req.body);
      return {};
    },
  } as unknown as Grid5000Client;
  const ssh = { waitForSsh: async () => order.push("wait for SSH") } as unknown as VmAccess["ssh"];
  const effects: Grid5000ProviderEffects = {
    client,
    hostLoginExec: exec("login"),
    hostRootExec: exec("root"),
    hostExec: exec("system"),
    openVms: async (file) => (
      order.push(`known_hosts ${file}`),
      { ssh, systemExec: exec("vm"), close: async () => {} }
    ),
    clock: { now: () => 0, sleep: async () => {} },
    close: async () => {},
  };
  return { order, commands, effects, granted };
}

async function bootTopology(nodes: number) {
  const { order, commands, effects, granted } = world();
  const settings = grid5000Settings({ G5K_IMAGE_SHA256: "ab".repeat(32) }, "gros", {
    auth: { mode: "basic", username: "alice", password: "pw" },
    source: "test",
    warnings: [],
  });
  const c = new ProviderContext({ settings, run: "r", guard: { policy: null, anchorMs: 0 } }, effects);
  const topology = tree([
    ["market", null, { cores: 1, memMiB: 512 }],
    ...Array.from({ length: nodes - 1 }, (_, i) => [`n${i}`, "market", { cores: 1, memMiB: 512 }] as const),
  ] as Parameters<typeof tree>[0]);
  const stateDir = mkdtempSync(join(tmpdir(), "giraff-boot-"));
  const spec: DeploymentSpec = { campaign: "c", topologyKey: "k", topology, stateDir, walltimeS: 3600 };
  c.spec = spec;
  const state: Grid5000State = {
    provider: "grid5000",
    topologyKey: "k",
    stateDir,
    site: "nancy",
    jobName: "j",
    steps: {},
    dirty: false,
    lease: { jobUid: 7, nodes: HOSTS, subnets: SUBNETS, startedAt: 0, walltimeS: 3600 } as Grid5000State["lease"],
  };
  const lines: string[] = [];
  const ctx: StepContext = { signal: new AbortController().signal, log: (l) => lines.push(l), progress: () => {} };
  const after = await boot(c, state, ctx);
  return { order, commands, granted, lines, after };
}

describe("boot", () => {
  it("gives root through sudo-g5k, then grants the VMs' keys, then starts them, on every host", async () => {
    const { order, commands, granted, lines, after } = await bootTopology(3);
    const hosts = [...new Set(after.vms!.map((v) => v.hostFqdn!))];
    const firstVirshCreate = order.findIndex((l) => /^system \S+: virsh create /.test(l));
    for (const host of hosts) {
      const sudo = order.indexOf(
        `login ${host}: keys=$(sudo-g5k cat /root/.ssh/authorized_keys 2>/dev/null | grep -vxF -f - ~/.ssh/authorized_keys | grep -Ev '^[[:space:]]*(#|$)')`,
      );
      const root = order.indexOf(`root ${host}: id -u`);
      const firstVirsh = order.findIndex((l) => l.startsWith(`system ${host}: virsh `));
      expect([sudo > -1, sudo < root, root < firstVirsh], host).toEqual([true, true, true]);
    }
    // the NFS home access rule for the VMs' addresses exists before the first VM starts
    const access = order.findIndex((l) => l.startsWith("api POST /sites/nancy/storage/home/alice/access"));
    expect(access).toBeGreaterThan(-1);
    expect(access).toBeLessThan(firstVirshCreate);
    expect(granted[0]).toMatchObject({ ipv4: after.vms!.map((v) => v.ip) });
    // root's keys ride in every domain written before its create
    const domains = commands.filter((c) => c.startsWith("cat > /tmp/giraff-vms/"));
    expect(domains).toHaveLength(4); // 3 fog nodes and the IoT emulator
    const credential = `ssh.authorized_keys.root=${Buffer.from(KEY).toString("base64")}</entry>`;
    for (const d of domains) expect(d).toContain(credential);
    expect(lines).toContain("boot: root's keys (1 key) in every VM's domain as an SMBIOS credential");
    // the VMs' host keys go to the deployment's own file, opened after the VMs were created
    expect(order.findIndex((l) => l.startsWith("known_hosts ") && l.endsWith("/vm_known_hosts"))).toBeGreaterThan(
      firstVirshCreate,
    );
  });

  it("spreads more than 1,021 VMs over the lease's subnets: VM i on subnet floor(i / 1021)", async () => {
    const { lines, after } = await bootTopology(1100);
    const vms = after.vms!;
    expect(vms).toHaveLength(1101); // the IoT emulator's VM too
    const first = addressesOf(SUBNETS[0]!, 1021);
    const second = addressesOf(SUBNETS[1]!, 80);
    expect(vms.map((v) => v.ip)).toEqual([...first, ...second].map((a) => a.ip));
    expect(vms.map((v) => v.mac)).toEqual([...first, ...second].map((a) => a.mac));
    expect(lines[0]).toBe(`boot: 1101 VMs on 124 hosts, addresses from ${SUBNETS.join(", ")}`);
  });
});
