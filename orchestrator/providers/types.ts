/**
 * The provider contract (DESIGN.md §3.6): every testbed carries out the same steps for a deployment, each
 * idempotent and resumable from a JSON state file, and always releases what it reserved.
 *
 *   plan ─► reserve ─► boot ─► deploy(strategy) ─► emulateNetwork ─► runScenario ─► collect ─► reset ─┐
 *                              ▲                                                                        │
 *                              └──────────────── next strategy of the same topology ◄──────────────────┘
 *   … ─► release (on success, failure and interrupt)
 *
 * A deployment is one topology (one size and repetition of a campaign); every strategy of that topology runs on
 * it in turn, replaying the same workload plan, with a reset in between.
 */
import type { Topology } from "../../runtime/protocol/topology.ts";

export type ProviderName = "local" | "grid5000";

export const PROVIDER_STEPS = [
  "plan",
  "reserve",
  "boot",
  "deploy",
  "emulateNetwork",
  "runScenario",
  "collect",
  "reset",
  "release",
] as const;
export type ProviderStep = (typeof PROVIDER_STEPS)[number];

/** What a deployment needs: the topology and where the provider keeps its state. */
export interface DeploymentSpec {
  campaign: string;
  /** The topology key of the campaign's run matrix (shared by every strategy run on it). */
  topologyKey: string;
  topology: Topology;
  /** Folder for the provider's state file and its own logs. */
  stateDir: string;
  /** How long a reservation may last, in seconds. */
  walltimeS: number;
  /** Grid'5000 cluster (ignored by `local`). */
  cluster?: string | undefined;
}

/**
 * What `plan` returns: what would be reserved, for `--dry-run`, for the campaign's capacity check and for the
 * reservation itself. Planning makes no call and writes nothing. A plan the testbed cannot hold is still a plan:
 * `problems` says why, so the dry run can print it before the campaign refuses it (exit 2).
 */
export interface ProviderPlan {
  provider: ProviderName;
  /** Machines to reserve (1 for `local`: this one). */
  hosts: number;
  /** Why this plan cannot be reserved (more hosts than the cluster has, …); empty when it can. */
  problems: string[];
  /** Human-readable lines for `--dry-run`. */
  summary: string[];
  /** Exact bodies of the calls that reserving would make (Grid'5000 API bodies), for `--dry-run`. */
  requests: { method: string; url: string; body?: unknown }[];
  /** Provider-specific details (VM packing, subnets…), plain JSON. */
  details: Record<string, unknown>;
}

/** The runtime to deploy for one run: strategy and its settings. */
export interface RuntimeSpec {
  strategy: string;
  valuation: string;
  reduction: boolean;
  latencyModel: string;
  marketRule?: string | undefined;
  /** Run name stamped on the runtime's events (providers that start the runtime per run). */
  run?: string | undefined;
}

/** Effects every step receives: cancellation, logging and progress. */
export interface StepContext {
  signal: AbortSignal;
  log(line: string): void;
  /** The step in progress, shown by the campaign's live progress. */
  progress(step: ProviderStep | string): void;
}

/** Provider state, persisted as JSON after every step; `steps` records what is done. */
export interface ProviderState {
  provider: ProviderName;
  topologyKey: string;
  steps: Partial<Record<ProviderStep, { at: string }>>;
  [key: string]: unknown;
}

/** Where a deployed runtime answers, for the scenario. */
export interface Endpoints {
  marketUrl: string;
  iotUrl: string;
  /**
   * The market's operator token for this deployment: `Authorization: Bearer <token>` reads its full listings,
   * clients' envVars and SLA ids included. The replayer, a client like GIRAFF's, does without.
   */
  operatorToken: string;
  /**
   * Aborts, with the cause as its reason, when the way to the runtime is lost during the run (a dropped SSH tunnel
   * on Grid'5000): the run then fails with that cause instead of replaying into a closed port. Undefined where
   * nothing can drop (the local provider's loopback).
   */
  lost?: AbortSignal;
}

export interface Provider<S extends ProviderState = ProviderState> {
  readonly name: ProviderName;
  plan(spec: DeploymentSpec): Promise<ProviderPlan>;
  /** Reserves machines (or loads a reservation from `state`); the only step that may create billable state. */
  reserve(spec: DeploymentSpec, state: S | undefined, ctx: StepContext): Promise<S>;
  boot(state: S, ctx: StepContext): Promise<S>;
  /** Starts the runtime with `runtime`; events and logs of the run go to `runDir`. */
  deploy(state: S, runtime: RuntimeSpec, runDir: string, ctx: StepContext): Promise<{ state: S; endpoints: Endpoints }>;
  emulateNetwork(state: S, ctx: StepContext): Promise<S>;
  /** Brings the run's events and logs into `runDir` (a no-op where they were written there directly). */
  collect(state: S, runDir: string, ctx: StepContext): Promise<void>;
  /** Stops the runtime and returns the machines to a clean state for the next run. */
  reset(state: S, ctx: StepContext): Promise<S>;
  release(state: S, ctx: StepContext): Promise<void>;
}
