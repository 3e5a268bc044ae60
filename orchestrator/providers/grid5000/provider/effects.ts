/**
 * The provider's real effects from its settings: the API client (credentials only here), one SSH transport (keys,
 * jump host), and where host and VM system commands go: over SSH, or to the {@link SimulatedHosts} transcript when
 * `G5K_SIMULATE_HOSTS` is set.
 */
import { isIP } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Grid5000Client, defaultGrid5000Effects } from "../api/index.ts";
import { SshTransport } from "../transport/index.ts";
import { execOverTransport } from "../vms/index.ts";
import type { Grid5000ProviderEffects } from "./provider.ts";
import type { Grid5000Settings } from "./settings.ts";
import { SimulatedHosts } from "./simulated-hosts.ts";

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
  const ssh = await SshTransport.create({
    credentials: {
      agent: settings.sshAgent,
      privateKeyPath: settings.sshKeyPath,
      passphrase: settings.sshKeyPassphrase,
    },
    ...(settings.jump === undefined ? {} : { jump: { name: settings.jump, user: settings.login ?? "root" } }),
    // the jump host and the hosts (named) keep their keys: trusted on first contact in the known_hosts file;
    // VMs (addressed by IP on the job's subnet) get new keys with every deployment, and the next job reuses the IPs
    knownHostsFile: settings.knownHostsFile,
    hostKeyPolicy: "accept-new",
    hostKeyPolicyFor: (h) => (isIP(h.address) !== 0 ? "off" : "accept-new"),
    effects: {
      logger: {
        info: (m: string) => {
          if (KEY_EVENTS.test(m)) log(m);
        },
        warn: (m: string) => log(m),
      },
    },
  });
  const vmPort = settings.vmSshPort;
  const overSsh = execOverTransport(ssh);
  const vmsOverSsh = execOverTransport({
    exec: (host, command, opts) =>
      ssh.exec(typeof host === "string" ? { name: host, port: vmPort } : host, command, opts),
  });
  const simulated = settings.simulateHosts === undefined ? undefined : new SimulatedHosts(settings.simulateHosts);
  return {
    client,
    ssh,
    hostExec: simulated ?? overSsh,
    vmSystemExec: simulated ?? vmsOverSsh,
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? {} : { signal }),
    },
    close: () => ssh.close(),
  };
}
