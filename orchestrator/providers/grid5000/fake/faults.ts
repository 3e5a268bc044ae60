/**
 * Fault injection for the fake (grid5000.md §6.2), driven from tests through this JS API: 5xx bursts on chosen
 * routes (before or after the request took effect, which is how a POST whose answer was lost looks), answers that
 * never come, jobs stuck in waiting, jobs an administrator holds, prologues that fail, dead nodes, KO nodes in
 * deployments and refused advance reservations. Faults are shared by every site of the fake.
 */

export interface RouteMatch {
  method?: string;
  /** Matched against the path after `/stable`, e.g. `/sites/nancy/jobs`. */
  path: RegExp;
}

export interface BurstFault extends RouteMatch {
  /** How many matching requests fail; default 1. */
  count?: number;
  status?: number;
  /** Act on the request first and fail the answer only (the client cannot know it took effect). */
  afterEffect?: boolean;
}

interface ActiveFault extends RouteMatch {
  kind: "fail" | "hang";
  remaining: number;
  status: number;
  afterEffect: boolean;
}

const named = (set: ReadonlySet<string>, name: string | null) => set.has("*") || (name !== null && set.has(name));

export class Faults {
  readonly #active: ActiveFault[] = [];
  /** Names of jobs that never leave `waiting`; `*` sticks every job. */
  readonly stuckJobNames = new Set<string>();
  /** Names of jobs an administrator (`oar`) holds as soon as they are submitted; `*` holds every job. */
  readonly heldJobNames = new Set<string>();
  /** Names of jobs whose prologue fails: they end in `error` (PROLOGUE_ERROR) without running; `*` for all. */
  readonly prologueFailures = new Set<string>();
  /** Nodes that are Dead: the scheduler gives them to no job from now on. */
  readonly deadNodes = new Set<string>();
  /** Hosts every deployment reports `KO`. */
  readonly koHosts = new Set<string>();
  /** When set, every advance reservation is refused with "could run at" this OAR date. */
  refuseReservationsUntil: string | undefined;

  /** The next `count` matching requests answer `status` (default 503) with a plain-text body. */
  failNext(fault: BurstFault): void {
    this.#active.push({
      ...fault,
      kind: "fail",
      remaining: fault.count ?? 1,
      status: fault.status ?? 503,
      afterEffect: fault.afterEffect ?? false,
    });
  }

  /** The next `count` matching requests take effect but are never answered (a client timeout). */
  hangNext(fault: RouteMatch & { count?: number }): void {
    this.#active.push({ ...fault, kind: "hang", remaining: fault.count ?? 1, status: 0, afterEffect: true });
  }

  stickJobs(name = "*"): void {
    this.stuckJobNames.add(name);
  }

  isStuck(name: string | null): boolean {
    return named(this.stuckJobNames, name);
  }

  holdJobs(name = "*"): void {
    this.heldJobNames.add(name);
  }

  isHeld(name: string | null): boolean {
    return named(this.heldJobNames, name);
  }

  failPrologue(name = "*"): void {
    this.prologueFailures.add(name);
  }

  prologueFails(name: string | null): boolean {
    return named(this.prologueFailures, name);
  }

  killNodes(...hosts: string[]): void {
    for (const h of hosts) this.deadNodes.add(h);
  }

  koNodes(...hosts: string[]): void {
    for (const h of hosts) this.koHosts.add(h);
  }

  /** Takes the fault that applies to this request, if any (each one is used `count` times). */
  take(method: string, path: string): ActiveFault | undefined {
    const fault = this.#active.find((f) => f.remaining > 0 && (f.method ?? method) === method && f.path.test(path));
    if (fault !== undefined) fault.remaining--;
    return fault;
  }
}
