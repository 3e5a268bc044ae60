/**
 * The Grid'5000 provider's settings: the `G5K_…` variables of the campaign's `.env`, read once into a typed object
 * at the boundary, before anything is reserved. Errors name the variable. The API login comes from the environment
 * or `~/.python-grid5000.yaml` (credentials.ts), never from the tracked `.env`. The password lives only in this
 * object and in the API client built from it: never in the campaign, the provider state, a run directory or a log.
 *
 * | Variable | Default | Meaning |
 * | --- | --- | --- |
 * | `G5K_USER`, `G5K_PASSWORD` | required outside Grid'5000 | API login (HTTP Basic): environment or ~/.python-grid5000.yaml |
 * | `G5K_INSIDE` | false | running inside Grid'5000: no API credentials, no jump host |
 * | `G5K_API_URL` | https://api.grid5000.fr/stable | API base URL (the fake's, in tests); `http:` only on loopback |
 * | `G5K_API_CA` | none | PEM file of a CA to trust for the API, besides Node's (a TLS proxy's; the fake's) |
 * | `G5K_SITE` | the cluster's site | site of the job |
 * | `G5K_QUEUE`, `G5K_PROJECT`, `G5K_RESERVATION` | default queue, none, now | OAR submission fields |
 * | `G5K_SSH_KEY` | ~/.ssh/id_ed25519 | private key for hosts and VMs (optional with an ssh-agent) |
 * | `G5K_SSH_KEY_PASSPHRASE` | none | its passphrase: from the environment only, never the tracked `.env` |
 * | `SSH_AUTH_SOCK` | none | ssh-agent socket (environment), tried before the key file |
 * | `G5K_KNOWN_HOSTS` | ~/.ssh/known_hosts | host keys of the jump host and the hosts, trusted on first contact |
 * | `G5K_JUMP` | access.grid5000.fr (none inside) | SSH access gateway, `none` for direct connections |
 * | `G5K_IMAGE`, `G5K_IMAGE_SHA256` | /home/<user>/giraff/nixos.qcow2, required | the VM image on the NFS home |
 * | `G5K_VM_SSH_PORT` | 22 | sshd port of the VMs |
 * | `G5K_VM_REPO` | /opt/giraff-ts | the repository on the VMs (the image links it there) |
 * | `G5K_VM_WORKDIR` | /var/lib/giraff | per-VM env files, logs, events and pids on the VMs |
 * | `G5K_FAAS` | embedded | how fog nodes run functions: embedded, openfaas (K3s), none; embedded until a run on Grid'5000 has shown OpenFaaS works with the images built into the VM image (nothing to pull) |
 * | `G5K_POLL_S` | 5 | first delay between job polls (grows ×1.5) |
 * | `G5K_SIMULATE_HOSTS` | unset | transcript path: host and VM system commands are recorded and simulated |
 * | `G5K_SSH_RESOLVE` | unset | `<name>=<address>[:<port>]`, comma-separated: where SSH reaches these host names (rehearsals on loopback, as curl's `--resolve`) |
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import { FAAS_MODES } from "../../../../runtime/faas/types.ts";
import { booleanVar, maybeVar, oneOfVar, portVar, requiredVar, type Env } from "../../../../runtime/util/env-vars.ts";
import type { Grid5000Credentials } from "./credentials.ts";
import { apiUrlProblem, type Grid5000Auth } from "../api/index.ts";

export interface Grid5000Settings {
  apiUrl: string;
  /** `G5K_API_CA`'s certificates (PEM), trusted for the API besides Node's CAs. */
  apiCa: string | undefined;
  auth: Grid5000Auth;
  login: string | undefined;
  site: string;
  cluster: string;
  queue: string | undefined;
  project: string | undefined;
  reservation: string | undefined;
  sshKeyPath: string;
  /** From the process environment only; lives here and in the transport, never in a log or the state file. */
  sshKeyPassphrase: string | undefined;
  /** `SSH_AUTH_SOCK` of the process environment. */
  sshAgent: string | undefined;
  knownHostsFile: string;
  jump: string | undefined;
  image: { path: string; sha256: string };
  vmSshPort: number;
  vmRepo: string;
  vmWorkDir: string;
  faas: (typeof FAAS_MODES)[number];
  pollInitialMs: number;
  simulateHosts: string | undefined;
  /** `G5K_SSH_RESOLVE`: host name → where SSH connects instead of resolving the name. */
  sshResolve: ReadonlyMap<string, { address: string; port: number }>;
}

/** Grid'5000 sites of the clusters GIRAFF used (giraff.md §11.1). */
export const SITES: Record<string, string> = {
  gros: "nancy",
  grisou: "nancy",
  parasilo: "rennes",
  paravance: "rennes",
  ecotype: "nantes",
};

/** True when the campaign runs inside Grid'5000, where the API needs no login. */
export function runsInsideGrid5000(env: Env): boolean {
  return booleanVar(env, "G5K_INSIDE", false);
}

/**
 * `env` is the campaign's `.env`; `credentials` the login resolved by credentials.ts, required outside Grid'5000
 * (inside, the API trusts the network and the login is only `G5K_USER`, if set). `environment` is the process
 * environment, the only source of the key's passphrase and of the ssh-agent socket.
 */
export function grid5000Settings(
  env: Env,
  cluster: string,
  credentials: Grid5000Credentials | undefined,
  environment: Env = process.env,
): Grid5000Settings {
  if (maybeVar(env, "G5K_SSH_KEY_PASSPHRASE") !== undefined) {
    throw new ConfigError(
      "G5K_SSH_KEY_PASSPHRASE",
      "The campaign's .env sets G5K_SSH_KEY_PASSPHRASE, but .env is tracked by git: remove it from .env and " +
        "export it in the environment, or ssh-add the key to an ssh-agent.",
    );
  }
  const inside = runsInsideGrid5000(env);
  if (!inside && credentials === undefined) {
    throw new ConfigError("G5K_PASSWORD", "Outside Grid'5000 the API needs a login (see credentials.ts).");
  }
  const login = inside ? maybeVar(env, "G5K_USER") : credentials!.auth.username;
  const auth: Grid5000Auth = inside ? { mode: "inside", username: login } : credentials!.auth;
  const jump = maybeVar(env, "G5K_JUMP") ?? (inside ? "none" : "access.grid5000.fr");
  const sha256 = requiredVar(env, "G5K_IMAGE_SHA256");
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new ConfigError(
      "G5K_IMAGE_SHA256",
      `Expected \`G5K_IMAGE_SHA256\` to be 64 hex digits, got ${JSON.stringify(sha256)}.`,
    );
  }
  const poll = Number(maybeVar(env, "G5K_POLL_S") ?? "5");
  if (!(Number.isFinite(poll) && poll > 0)) {
    throw new ConfigError(
      "G5K_POLL_S",
      `Expected \`G5K_POLL_S\` to be a positive number of seconds, got ${JSON.stringify(env.G5K_POLL_S)}.`,
    );
  }
  const apiUrl = maybeVar(env, "G5K_API_URL") ?? "https://api.grid5000.fr/stable";
  const urlProblem = apiUrlProblem(apiUrl);
  if (urlProblem !== undefined) throw new ConfigError("G5K_API_URL", `\`G5K_API_URL\` is refused: ${urlProblem}.`);
  return {
    apiUrl,
    apiCa: readApiCa(maybeVar(env, "G5K_API_CA")),
    auth,
    login,
    site: maybeVar(env, "G5K_SITE") ?? SITES[cluster] ?? "nancy",
    cluster,
    queue: maybeVar(env, "G5K_QUEUE"),
    project: maybeVar(env, "G5K_PROJECT"),
    reservation: maybeVar(env, "G5K_RESERVATION"),
    sshKeyPath: maybeVar(env, "G5K_SSH_KEY") ?? join(homedir(), ".ssh", "id_ed25519"),
    sshKeyPassphrase: maybeVar(environment, "G5K_SSH_KEY_PASSPHRASE"),
    sshAgent: maybeVar(environment, "SSH_AUTH_SOCK"),
    knownHostsFile: maybeVar(env, "G5K_KNOWN_HOSTS") ?? join(homedir(), ".ssh", "known_hosts"),
    jump: jump === "none" ? undefined : jump,
    image: { path: maybeVar(env, "G5K_IMAGE") ?? `/home/${login ?? "root"}/giraff/nixos.qcow2`, sha256 },
    vmSshPort: portVar(env, "G5K_VM_SSH_PORT", 22),
    vmRepo: maybeVar(env, "G5K_VM_REPO") ?? "/opt/giraff-ts",
    vmWorkDir: maybeVar(env, "G5K_VM_WORKDIR") ?? "/var/lib/giraff",
    // embedded until a run on Grid'5000 has shown OpenFaaS works with the images built into the VM image
    faas: oneOfVar(env, "G5K_FAAS", FAAS_MODES, "embedded"),
    pollInitialMs: poll * 1000,
    simulateHosts: maybeVar(env, "G5K_SIMULATE_HOSTS"),
    sshResolve: parseSshResolve(maybeVar(env, "G5K_SSH_RESOLVE")),
  };
}

/** `G5K_SSH_RESOLVE`: `gros-1.nancy.grid5000.fr=127.139.0.1:2222,…`; the port defaults to 22. */
function parseSshResolve(value: string | undefined): Map<string, { address: string; port: number }> {
  const out = new Map<string, { address: string; port: number }>();
  for (const entry of (value ?? "").split(",").map((e) => e.trim())) {
    if (entry === "") continue;
    const m = /^([^=\s]+)=([0-9.]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(entry);
    const port = Number(m?.[3] ?? "22");
    if (m === null || port < 1 || port > 65535) {
      throw new ConfigError(
        "G5K_SSH_RESOLVE",
        `Expected \`G5K_SSH_RESOLVE\` entries as <name>=<IP address>[:<port>], got ${JSON.stringify(entry)}.`,
      );
    }
    out.set(m[1]!, { address: m[2]!.replace(/^\[|\]$/g, ""), port });
  }
  return out;
}

/** The PEM certificates of `G5K_API_CA`, read at the boundary so a wrong path fails before anything is reserved. */
function readApiCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError("G5K_API_CA", `Could not read \`G5K_API_CA\` (${path}): ${(cause as Error).message}.`, {
      cause,
    });
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError("G5K_API_CA", `Expected \`G5K_API_CA\` (${path}) to be a PEM file of CA certificates.`);
  }
  return text;
}
