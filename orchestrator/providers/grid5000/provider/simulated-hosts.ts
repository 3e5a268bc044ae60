/**
 * A **simulator** of the machines' system side, for rehearsing the provider where there is no libvirt, no `tc`
 * netem and nothing to reboot (this machine, CI): every command is appended to a transcript file instead of being
 * run, and answered the way the real machine would answer the provider's commands. It is selected by
 * `G5K_SIMULATE_HOSTS=<transcript>` and is a fake: the VMs themselves must be played by something else (in the
 * tests, loopback addresses served by a real sshd and the real runtime).
 *
 * - `virsh list --name` lists the domains `virsh create` made on that host (and `virsh destroy` removed);
 * - image staging answers `staged` the first time on a host, `already-staged` after;
 * - `cat …/boot_id` answers a per-VM id that the reboot command changes;
 * - `tc` scripts are parsed into per-VM rules (destination → netem delay), and `ping` answers with the RTT those
 *   rules would give: the delay from the VM to the destination plus the delay back;
 * - anything else succeeds with no output.
 *
 * Commands that really run over SSH on the hosts during a rehearsal (sudo-g5k as the login, the root check) are
 * appended to the same transcript by {@link recordedExec}, as `$ <user>@<host>`, so the transcript shows what ran
 * on each host in order.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { dirname } from "node:path";
import {
  ALREADY_STAGED,
  BOOT_ID_COMMAND,
  REBOOT_COMMAND,
  STAGED,
  type ExecOutcome,
  type RemoteExec,
} from "../vms/index.ts";

interface TcRules {
  /** classid → one-way delay in ms. */
  delays: Map<string, number>;
  /** destination IP → classid. */
  filters: Map<string, string>;
}

export class SimulatedHosts implements RemoteExec {
  private readonly domains = new Map<string, Set<string>>();
  private readonly staged = new Set<string>();
  private readonly bootIds = new Map<string, string>();
  private readonly tc = new Map<string, TcRules>();

  constructor(private readonly transcriptPath: string) {
    mkdirSync(dirname(transcriptPath), { recursive: true });
  }

  async exec(host: string, command: string): Promise<ExecOutcome> {
    appendFileSync(this.transcriptPath, `$ ${host}\n${command}\n\n`);
    return { exitCode: 0, stdoutTail: this.answer(host, command), stderrTail: "" };
  }

  private answer(host: string, command: string): string {
    const domains = this.domains.get(host) ?? new Set<string>();
    this.domains.set(host, domains);
    if (command === "virsh list --name") return [...domains].map((d) => `${d}\n`).join("");
    const created = /^virsh create \S*\/([^/\s]+)\.xml$/.exec(command);
    if (created) domains.add(created[1]!);
    const destroyed = /^virsh destroy (\S+)$/.exec(command);
    if (destroyed) domains.delete(destroyed[1]!);
    if (command.includes("sha256sum")) {
      const first = !this.staged.has(host);
      this.staged.add(host);
      return `${first ? STAGED : ALREADY_STAGED}\n`;
    }
    if (command === BOOT_ID_COMMAND) {
      if (!this.bootIds.has(host)) this.bootIds.set(host, randomUUID());
      return `${this.bootIds.get(host)}\n`;
    }
    if (command === REBOOT_COMMAND) {
      this.bootIds.set(host, randomUUID());
      this.tc.delete(host); // tc rules do not survive a reboot
      return "";
    }
    if (/(^|\n)tc /.test(command)) this.applyTc(host, command);
    const ping = /^ping -n -q -c (\d+) .* (\S+)$/.exec(command);
    if (ping) return this.ping(host, ping[2]!, Number(ping[1]));
    return "";
  }

  private applyTc(host: string, script: string): void {
    for (const line of script.split(/\n|;/).map((l) => l.trim())) {
      if (/^tc qdisc del dev \S+ root/.test(line)) this.tc.set(host, { delays: new Map(), filters: new Map() });
      const rules = this.tc.get(host) ?? { delays: new Map(), filters: new Map() };
      this.tc.set(host, rules);
      const netem = /^tc qdisc add dev \S+ parent (\S+) handle \S+ netem delay ([\d.]+)ms/.exec(line);
      if (netem) rules.delays.set(netem[1]!, Number(netem[2]));
      const filter = /match ip dst (\S+) flowid (\S+)$/.exec(line);
      if (filter) rules.filters.set(filter[1]!, filter[2]!);
    }
  }

  private delay(from: string, to: string): number {
    const rules = this.tc.get(from);
    const classid = rules?.filters.get(to);
    return classid === undefined ? 0 : (rules!.delays.get(classid) ?? 0);
  }

  private ping(host: string, target: string, count: number): string {
    const rtt = (this.delay(host, target) + this.delay(target, host)).toFixed(3);
    return [
      `--- ${target} ping statistics ---`,
      `${count} packets transmitted, ${count} received, 0% packet loss, time ${count * 200}ms`,
      `rtt min/avg/max/mdev = ${rtt}/${rtt}/${rtt}/0.000 ms`,
      "",
    ].join("\n");
  }
}

/** `exec`, with each command appended to the transcript as `$ <prefix><host>` before it runs. */
export function recordedExec(transcriptPath: string, prefix: string, exec: RemoteExec): RemoteExec {
  mkdirSync(dirname(transcriptPath), { recursive: true });
  return {
    exec(host, command, options) {
      appendFileSync(transcriptPath, `$ ${prefix}${host}\n${command}\n\n`);
      return exec.exec(host, command, options);
    },
  };
}
