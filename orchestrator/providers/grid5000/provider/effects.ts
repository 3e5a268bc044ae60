/**
 * The provider's real effects from its settings: the API client (credentials only here), one SSH transport (keys,
 * jump host), and where each kind of command goes:
 *
 *   hostLoginExec  as the Grid'5000 login on the hosts (sudo-g5k)        SSH
 *   hostRootExec   as root on the hosts (the root check)                 SSH
 *   hostExec       root's system commands on the hosts (libvirt, mount)  SSH, or the SimulatedHosts transcript
 *   openVms        the VMs: runtime commands, files, tunnels             SSH, host keys in the deployment's file
 *                  and their system commands (tc, ping, reboot)          SSH, or the SimulatedHosts transcript
 *
 * With `G5K_SIMULATE_HOSTS`, the SSH commands on the hosts are appended to the same transcript, so it reads in
 * the order things happened on each host.
 */
import { isIP } from "node:net";
import { userInfo } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Grid5000Client, defaultGrid5000Effects } from "../api/index.ts";
import { SshTransport, type HostSpec } from "../transport/index.ts";
import { execOverTransport, type RemoteExec } from "../vms/index.ts";
import type { Grid5000ProviderEffects } from "./context.ts";
import type { Grid5000Settings } from "./settings.ts";
import { recordedExec, SimulatedHosts } from "./simulated-hosts.ts";

/**
 * A host as `user`: its own pool entry per user (`<user>@<host>`, so the login's connection is never reused as
 * root's), reached by its name, or where `G5K_SSH_RESOLVE` says (rehearsals on loopback).
 */
export function hostAs(settings: Pick<Grid5000Settings, "sshResolve">, user: string, host: string): HostSpec {
  return { name: `${user}@${host}`, address: host, user, ...settings.sshResolve.get(host) };
}

/** The transport's info lines worth a campaign log line: trust on first use and which credentials are used. */
const KEY_EVENTS = /^(first contact with |using the ssh-agent |the key file )/;

export async function createGrid5000Effects(
  settings: Grid5000Settings,
  log: (line: string) => void,
): Promise<Grid5000ProviderEffects> {
  const client = new Grid5000Client(
    {
      baseUrl: settings.apiUrl,
      auth: settings.auth,
      ca: settings.apiCa,
      poll: { initialMs: settings.pollInitialMs, factor: 1.5, maxMs: 60_000 },
    },
    { ...defaultGrid5000Effects, log },
  );
  // the deployment whose VMs are worked on: their keys live in its own known_hosts file (openVms)
  let vmKnownHosts: string | undefined;
  const ssh = await SshTransport.create({
    credentials: {
      agent: settings.sshAgent,
      privateKeyPath: settings.sshKeyPath,
      passphrase: settings.sshKeyPassphrase,
    },
    ...(settings.jump === undefined ? {} : { jump: { name: settings.jump, user: settings.login ?? "root" } }),
    // the jump host and the hosts (named) keep their keys: trusted on first contact in the user's known_hosts;
    // VMs (named by their IP on the job's subnet) get new keys with every deployment while the next job reuses
    // the IPs: trusted on first contact in the deployment's own file, which boot and reset empty
    knownHostsFile: settings.knownHostsFile,
    knownHostsFileFor: (h) => (isIP(h.name) !== 0 ? vmKnownHosts : undefined),
    hostKeyPolicy: "accept-new",
    effects: {
      logger: {
        info: (m: string) => {
          if (KEY_EVENTS.test(m)) log(m);
        },
        warn: (m: string) => log(m),
      },
    },
  });
  // inside Grid'5000 without G5K_USER, the campaign runs on a frontend as the login itself
  const login = settings.login ?? userInfo().username;
  const hostExecAs = (user: string): RemoteExec =>
    execOverTransport({
      exec: (host, command, opts) => ssh.exec(hostAs(settings, user, String(host)), command, opts),
    });
  const simulated = settings.simulateHosts === undefined ? undefined : new SimulatedHosts(settings.simulateHosts);
  const record = (user: string, exec: RemoteExec) =>
    settings.simulateHosts === undefined ? exec : recordedExec(settings.simulateHosts, `${user}@`, exec);
  const hostRootExec = record("root", hostExecAs("root"));
  const vmSystemExec = execOverTransport({
    exec: (host, command, opts) =>
      ssh.exec(typeof host === "string" ? { name: host, port: settings.vmSshPort } : host, command, opts),
  });
  return {
    client,
    hostLoginExec: record(login, hostExecAs(login)),
    hostRootExec,
    hostExec: simulated ?? hostRootExec,
    async openVms(knownHostsFile) {
      vmKnownHosts = knownHostsFile;
      return { ssh, systemExec: simulated ?? vmSystemExec, close: async () => {} };
    },
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? {} : { signal }),
    },
    close: () => ssh.close(),
  };
}
