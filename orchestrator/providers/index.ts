/**
 * The providers a campaign can run on, by name (`PROVIDER` in the campaign's `.env`, or `--provider`). Each entry
 * says what it is, parses its own settings once, plans a deployment without touching anything, and creates the
 * provider of each deployment. The campaign runner knows providers only through this table: a new testbed is an
 * entry here, not a branch in the runner.
 *
 *   PROVIDERS[name] ─settings(input)─► S  (once, before anything starts; bad values are ConfigErrors)
 *        ├─ plan(S, spec) ─► ProviderPlan   the provider's own plan(): --dry-run prints it, the capacity check reads it
 *        └─ create(S, input) ─► deployment ─► Provider   (credentials read here, once, after the capacity check)
 *
 * The provider modules are imported on first use: a dry run of a local campaign never loads ssh2 or the API client.
 */
import { homedir } from "node:os";
import { ConfigError } from "../../runtime/protocol/errors.ts";
import type { EndingAfterPolicy } from "./grid5000/plan/guard.ts";
import type { grid5000Provider as Grid5000ProviderFn } from "./grid5000/provider/provider.ts";
import type { Grid5000Settings } from "./grid5000/provider/settings.ts";
import type { DeploymentSpec, Provider, ProviderName, ProviderPlan } from "./types.ts";

/** What a provider's settings come from: the campaign, as loaded, and the process environment. */
export interface ProviderSettingsInput {
  /** The campaign's name: job names and the run names stamped on events. */
  campaign: string;
  /** The variables of the campaign's `.env` as written; each provider reads its own (`G5K_…`). */
  campaignEnv: Readonly<Record<string, string>>;
  /** The process environment: credentials, `HOME`, `SSH_AUTH_SOCK`. */
  environment: Readonly<Record<string, string | undefined>>;
  /** The campaign's deployment settings (resolved and validated by the campaign's config). */
  deployment: {
    cluster: string;
    walltimeS: number;
    doNotExecuteIfEndingAfter: EndingAfterPolicy | null;
    allowDayJobs: boolean;
  };
  log(line: string): void;
}

/** One deployment of a campaign: the `seq`-th run (per-run sharing) or one topology (per-topology sharing). */
export interface DeploymentName {
  seq: number;
  topologyKey: string;
}

export interface RegisteredProvider<S> {
  /** One line: where it runs a campaign (listed by `--help` errors). */
  readonly describe: string;
  /** The testbed's name in sentences ("Size ×4 … is infeasible on Grid'5000"). */
  readonly testbed: string;
  /**
   * How long a deployment lives: each run its own (reserved and released with the run, runs in parallel), or one
   * per topology shared by its strategies, with a reset in between (campaign/run/deployments.ts).
   */
  readonly sharing: "per-run" | "per-topology";
  /** The prefix of the `.env` variables this provider reads itself (the campaign's config does not know them). */
  readonly variablePrefix?: string;
  /** Parses the provider's settings, once, before anything starts. Never reads credentials: a dry run needs none. */
  settings(input: ProviderSettingsInput): Promise<S>;
  /** The provider's own plan for one deployment: the exact bodies it would send. No call, no file. */
  plan(settings: S, spec: DeploymentSpec): Promise<ProviderPlan>;
  /** Once per campaign that runs: credentials and connections' settings, then a provider per deployment. */
  create(settings: S, input: ProviderSettingsInput): Promise<(deployment: DeploymentName) => Promise<Provider>>;
}

/** The `grid5000` entry's settings: what planning reads (no credentials, no image hash needed). */
interface Grid5000Planning {
  settings: Grid5000Settings;
  /** G5K_ALLOW_DAY_JOBS, for the usage-policy line. */
  allowDayJobs: boolean;
}

const local: RegisteredProvider<undefined> = {
  describe: "local: the whole testbed on this machine, a loopback /16 per concurrent run",
  testbed: "this machine",
  sharing: "per-run",
  settings: async () => undefined,
  async plan(_settings, spec) {
    const { localProvider } = await import("./local/local-provider.ts");
    return localProvider({ subnet: LOCAL_FIRST_SUBNET, run: "dry-run" }).plan(spec);
  },
  async create(_settings, input) {
    const { localProvider } = await import("./local/local-provider.ts");
    // concurrent runs stay apart on their own /16: 127.30 … 127.229, reused after 200 runs
    return async ({ seq }) =>
      localProvider({ subnet: `127.${30 + ((seq - 1) % 200)}`, run: `${input.campaign}/seq-${seq}` });
  },
};
const LOCAL_FIRST_SUBNET = "127.30";

const grid5000: RegisteredProvider<Grid5000Planning> = {
  describe: "grid5000: VMs on Grid'5000 hosts, one OAR job per topology (G5K_… settings, API login outside)",
  testbed: "Grid'5000",
  sharing: "per-topology",
  variablePrefix: "G5K_",
  async settings(input) {
    const { grid5000Settings } = await import("./grid5000/provider/settings.ts");
    const env = input.campaignEnv;
    // Planning needs the site, queue, project, reservation and login, not the API's credentials nor the image: read
    // as from inside Grid'5000 (no login required), with the login named by G5K_USER if any. Every other G5K_
    // variable is checked here, so a dry run already refuses a bad one.
    const settings = grid5000Settings(
      {
        ...env,
        G5K_INSIDE: "true",
        G5K_IMAGE_SHA256: env.G5K_IMAGE_SHA256 ?? "0".repeat(64),
        ...(env.G5K_USER === undefined && input.environment.G5K_USER !== undefined
          ? { G5K_USER: input.environment.G5K_USER }
          : {}),
      },
      input.deployment.cluster,
      undefined,
      input.environment,
    );
    return { settings, allowDayJobs: input.deployment.allowDayJobs };
  },
  async plan({ settings, allowDayJobs }, spec) {
    const [{ grid5000Provider }, { jobWindow }, dryRun] = await Promise.all([
      import("./grid5000/provider/provider.ts"),
      import("./grid5000/plan/policy.ts"),
      import("./grid5000/plan/dry-run.ts"),
    ]);
    const provider = grid5000Provider({ settings, run: "dry-run", guard: { policy: null, anchorMs: 0 } }, NO_EFFECTS);
    // an infeasible plan comes back with its problems: the dry run shows it, then the campaign refuses it
    const planned = await provider.plan(spec);
    const capacity = planned.details.capacity as Parameters<typeof dryRun.usagePolicyLine>[0];
    const window = jobWindow({ nowMs: Date.now(), walltimeS: spec.walltimeS, reservation: settings.reservation });
    return {
      ...planned,
      summary: [...planned.summary, dryRun.usagePolicyLine(capacity, window, settings.reservation, allowDayJobs)],
    };
  },
  async create(_planning, input) {
    const [{ grid5000Provider }, { createGrid5000Effects }, credentialsModule, settingsModule] = await Promise.all([
      import("./grid5000/provider/provider.ts"),
      import("./grid5000/provider/effects.ts"),
      import("./grid5000/provider/credentials.ts"),
      import("./grid5000/provider/settings.ts"),
    ]);
    const env = input.campaignEnv;
    const { environment, log } = input;
    // the API login: from the environment or ~/.python-grid5000.yaml, never the tracked .env (credentials.ts)
    const credentials = settingsModule.runsInsideGrid5000(env)
      ? undefined
      : credentialsModule.grid5000Credentials({
          campaign: env,
          environment,
          pythonGrid5000: credentialsModule.readPythonGrid5000Yaml(environment.HOME ?? homedir()),
        });
    for (const warning of credentials?.warnings ?? []) log(`[grid5000] warning: ${warning}`);
    if (credentials !== undefined) log(`[grid5000] API login ${credentials.auth.username} from ${credentials.source}`);
    const settings = settingsModule.grid5000Settings(env, input.deployment.cluster, credentials, environment);
    const guard = {
      policy: input.deployment.doNotExecuteIfEndingAfter,
      // the campaign's start anchors "today" of DO_NOT_EXECUTE_IF_ENDING_AFTER
      anchorMs: Date.now(),
      allowDayJobs: input.deployment.allowDayJobs,
    };
    return async ({ topologyKey }) =>
      grid5000Provider(
        { settings, run: `${input.campaign}/${topologyKey}`, guard },
        await createGrid5000Effects(settings, (line) => log(`[grid5000] ${line}`)),
      );
  },
};

/** Every provider a campaign can name; the config's `PROVIDER` values and `--provider` are checked against it. */
export const PROVIDERS: { readonly [N in ProviderName]: RegisteredProvider<unknown> } = { local, grid5000 };

export const providerNames = (): ProviderName[] => Object.keys(PROVIDERS) as ProviderName[];

/** A provider chosen by name, its settings parsed: what the campaign runner works with. */
export interface SelectedProvider {
  name: ProviderName;
  testbed: string;
  sharing: RegisteredProvider<unknown>["sharing"];
  /** True for a variable of the campaign's `.env` that this provider reads (the config warns it is unknown). */
  readsVariable(name: string): boolean;
  plan(spec: DeploymentSpec): Promise<ProviderPlan>;
  create(): Promise<(deployment: DeploymentName) => Promise<Provider>>;
}

/** Looks `name` up and parses its settings; an unknown name is a ConfigError listing the registered ones. */
export async function selectProvider(name: string, input: ProviderSettingsInput): Promise<SelectedProvider> {
  if (!Object.hasOwn(PROVIDERS, name)) {
    const known = Object.values(PROVIDERS).map((p) => p.describe);
    throw new ConfigError(
      "PROVIDER",
      `Unknown provider ${JSON.stringify(name)}; the registered providers are:\n  ${known.join("\n  ")}`,
    );
  }
  const entry = PROVIDERS[name as ProviderName];
  const settings = await entry.settings(input);
  return {
    name: name as ProviderName,
    testbed: entry.testbed,
    sharing: entry.sharing,
    readsVariable: (variable) => entry.variablePrefix !== undefined && variable.startsWith(entry.variablePrefix),
    plan: (spec) => entry.plan(settings, spec),
    create: () => entry.create(settings, input),
  };
}

/** Effects for a provider that only plans: planning makes no call, so any use is a bug, reported as one. */
const NO_EFFECTS = new Proxy({} as Parameters<typeof Grid5000ProviderFn>[1], {
  get(_target, key) {
    if (key === "then") return undefined;
    throw new Error(`A provider that only plans used its effects (${String(key)}).`);
  },
});
