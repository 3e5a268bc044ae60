import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALREADY_STAGED, LIST_COMMAND } from "./commands.ts";
import { domainXml } from "./domain-xml.ts";
import { isVmError } from "./errors.ts";
import { FakeExec } from "./testing/fake-exec.ts";
import { expectGoldenText } from "./testing/golden.ts";
import { startVms, stopVms } from "./launcher.ts";
import { DEFAULT_LAYOUT, vmSpecsOf } from "./spec.ts";
import { IMAGE, smallPlan } from "./testing/small-plan.ts";

const GOLDEN = join(import.meta.dirname, "golden");
const ROOT_KEYS = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE3lz7Xr0M8JQ1pX6mS3m1bLrP2yJcO0n1cD4r5h6wYv alice@frontend\n";
const vms = vmSpecsOf(smallPlan().vms);

/** A fake host world: `virsh list` prints what the fake believes runs on each host; create/destroy update it. */
function world(): FakeExec {
  const running = new Map<string, Set<string>>();
  const on = (host: string) => running.get(host) ?? running.set(host, new Set()).get(host)!;
  return new FakeExec()
    .on(/^virsh list --name$/, ({ host }) => ({ stdoutTail: [...on(host)].map((n) => `${n}\n`).join("") }))
    .on(/^virsh domstate /, () => ({ stdoutTail: "running\n" }))
    .on(/^virsh create /, ({ host, command }) => (on(host).add(command.replace(/.*\/(.*)\.xml$/, "$1")), {}))
    .on(/^virsh destroy /, ({ host, command }) => (on(host).delete(command.split(" ")[2]!), {}));
}

describe("startVms / stopVms", () => {
  it("issues the golden command transcript for a small plan (start, then stop)", async () => {
    const fake = world();
    await startVms(fake, vms, IMAGE);
    await stopVms(fake, vms);
    expectGoldenText(join(GOLDEN, "small-plan.transcript.txt"), fake.transcript());
  });

  it("places each VM on its planned host with its planned MAC", () => {
    expect(vms.map((v) => [v.name, v.host, v.ip, v.mac])).toEqual([
      ["market", "gros-1.nancy.grid5000.fr", "10.144.4.2", "00:16:3E:90:04:02"],
      ["a", "gros-2.nancy.grid5000.fr", "10.144.4.3", "00:16:3E:90:04:03"],
      ["b", "gros-2.nancy.grid5000.fr", "10.144.4.4", "00:16:3E:90:04:04"],
      ["iot_emulation", "gros-3.nancy.grid5000.fr", "10.144.4.5", "00:16:3E:90:04:05"],
    ]);
  });

  it("is idempotent: a second start lists, finds every domain running, and creates nothing", async () => {
    const fake = world();
    const first = await startVms(fake, vms, IMAGE);
    expect(Object.values(first.vms)).toEqual(["created", "created", "created", "created"]);
    const before = fake.calls.length;
    fake.on(/sha256sum/, { stdoutTail: `${ALREADY_STAGED}\n` });
    const second = await startVms(fake, vms, IMAGE);
    const again = fake.calls.slice(before);
    expect(again.filter((c) => c.command.startsWith("virsh create"))).toEqual([]);
    expect(again.filter((c) => c.command === LIST_COMMAND)).toHaveLength(3);
    expect(Object.values(second.vms)).toEqual(Array(4).fill("already-running"));
    expect(Object.values(second.staged)).toEqual([false, false, false]);
  });

  it("resumes a paused domain instead of creating it", async () => {
    const specific = new FakeExec()
      .on(/^virsh list/, { stdoutTail: "market\n" }, "gros-1.nancy.grid5000.fr")
      .on(/^virsh domstate market$/, { stdoutTail: "paused\n" });
    const report = await startVms(specific, vms, IMAGE);
    expect(report.vms).toMatchObject({ market: "resumed", a: "created" });
    expect(specific.matching(/^virsh resume market$/)).toHaveLength(1);
  });

  it("destroys only running domains on stop", async () => {
    const fake = new FakeExec().on(/^virsh list/, { stdoutTail: "a\n" }, "gros-2.nancy.grid5000.fr");
    const outcome = await stopVms(fake, vms);
    expect(outcome).toEqual({ market: "not-running", a: "destroyed", b: "not-running", iot_emulation: "not-running" });
    expect(fake.matching(/^virsh destroy/).map((c) => c.command)).toEqual(["virsh destroy a"]);
  });

  it("fails with a sentence naming the host, the step and the exit code", async () => {
    const fake = world().on(/^rm -f .*qemu-img/, { exitCode: 1, stderrTail: "qemu-img: Could not open backing file" });
    const err = await startVms(fake, vms.slice(0, 1), IMAGE).catch((e: unknown) => e);
    expect(isVmError(err) && err.reason).toBe("command-failed");
    expect((err as Error).message).toMatch(
      /^Could not create the overlay of VM market on gros-1\.nancy\.grid5000\.fr: `rm -f .*` exited with code 1\.\nstderr:\nqemu-img: Could not open/,
    );
  });

  it("refuses a plan without a lease", () => {
    const unplaced = smallPlan().vms.map(({ ip: _ip, ...v }) => v);
    expect(() => vmSpecsOf(unplaced)).toThrow(/VM market has no host, IP or MAC yet/);
  });
});

describe("domainXml", () => {
  it("matches the golden domain of the market VM (vCPUs, memory, overlay, bridge, MAC, root's keys)", () => {
    const xml = domainXml({ ...vms[0]!, rootKeys: ROOT_KEYS }, DEFAULT_LAYOUT);
    expectGoldenText(join(GOLDEN, "market.domain.xml"), xml);
    expect(xml).toContain("<vcpu>4</vcpu>");
    expect(xml).toContain("<memory unit='KiB'>4194304</memory>");
    expect(xml).toContain("<mac address='00:16:3e:90:04:02'/>");
    // the disk as libvirt opens it, through the bind mount of the working directory
    expect(xml).toContain("<source file='/var/lib/libvirt/images/giraff-vms/market.qcow2'/>");
  });

  it("hands root's keys to the VM as a systemd credential in the SMBIOS OEM strings, only when given", () => {
    const xml = domainXml({ ...vms[0]!, rootKeys: ROOT_KEYS }, DEFAULT_LAYOUT);
    expect(xml).toMatch(/<os>[^]*<smbios mode='sysinfo'\/>[^]*<\/os>/);
    const entry = /<entry>io\.systemd\.credential\.binary:ssh\.authorized_keys\.root=([A-Za-z0-9+/=]+)<\/entry>/.exec(
      xml,
    );
    expect(Buffer.from(entry![1]!, "base64").toString()).toBe(ROOT_KEYS);
    const without = domainXml(vms[0]!, DEFAULT_LAYOUT);
    expect(without).not.toMatch(/smbios|sysinfo|credential/);
  });

  it("escapes names", () => {
    expect(domainXml({ ...vms[0]!, name: "a&b" }, DEFAULT_LAYOUT)).toContain("<name>a&amp;b</name>");
  });
});
