/**
 * The fake's kadeploy (grid5000.md §1.6, §6.2): a deployment needs nodes of a running `deploy` job of the caller,
 * is `processing` at once, and after a virtual delay ends `terminated` with a per-node result (`KO` for hosts the
 * faults name); DELETE while processing cancels it. Uids are `D-` plus a deterministic UUID-shaped counter.
 */
import type { DueSource } from "./clock.ts";
import type { Faults } from "./faults.ts";
import type { FakeSite } from "./fixtures.ts";
import { FakeHttpError, NOT_AUTHORIZED } from "./http-error.ts";
import type { JobStore } from "./jobs.ts";

export interface FakeDeployment {
  uid: string;
  user: string;
  environment: string;
  nodes: string[];
  key: string | undefined;
  status: "processing" | "terminated" | "error" | "canceled";
  createdAt: number;
  updatedAt: number;
  endAt: number;
  result: Record<string, { macro: string | null; micro: string | null; state: "OK" | "KO" }> | undefined;
}

export class DeploymentStore implements DueSource {
  readonly deployments = new Map<string, FakeDeployment>();
  #counter = 0;

  constructor(
    readonly site: FakeSite,
    readonly jobs: JobStore,
    readonly faults: Faults,
    readonly durationS = 300,
  ) {}

  submit(user: string, body: unknown, nowS: number): FakeDeployment {
    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const nodes = b["nodes"];
    if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every((n) => typeof n === "string")) {
      throw new FakeHttpError(400, "The deployment is not valid: `nodes` must be a non-empty list of node names.");
    }
    if (typeof b["environment"] !== "string" || b["environment"] === "") {
      throw new FakeHttpError(400, "The deployment is not valid: `environment` is required.");
    }
    const deployable = new Set(
      [...this.jobs.jobs.values()]
        .filter((j) => j.user === user && j.state === "running" && j.types.includes("deploy"))
        .flatMap((j) => j.nodes),
    );
    const outside = (nodes as string[]).filter((n) => !deployable.has(n));
    if (outside.length > 0) {
      throw new FakeHttpError(
        400,
        `You are not allowed to deploy on ${outside.join(", ")}: no running deploy job of yours holds them.`,
      );
    }
    const n = ++this.#counter;
    const deployment: FakeDeployment = {
      uid: `D-00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      user,
      environment: b["environment"],
      nodes: [...(nodes as string[])],
      key: typeof b["key"] === "string" ? b["key"] : undefined,
      status: "processing",
      createdAt: nowS,
      updatedAt: nowS,
      endAt: nowS + this.durationS,
      result: undefined,
    };
    this.deployments.set(deployment.uid, deployment);
    return deployment;
  }

  get(uid: string): FakeDeployment {
    const d = this.deployments.get(uid);
    if (d === undefined) throw new FakeHttpError(404, `Couldn't find Grid5000::Deployment with 'uid'=${uid}`);
    return d;
  }

  cancel(user: string, uid: string, nowS: number): void {
    const d = this.get(uid);
    if (d.user !== user) throw new FakeHttpError(403, NOT_AUTHORIZED);
    if (d.status === "processing") Object.assign(d, { status: "canceled", updatedAt: nowS });
  }

  nextDue(nowS: number): number | undefined {
    const due = [...this.deployments.values()]
      .filter((d) => d.status === "processing" && d.endAt > nowS)
      .map((d) => d.endAt);
    return due.length === 0 ? undefined : Math.min(...due);
  }

  tick(nowS: number): boolean {
    let changed = false;
    for (const d of this.deployments.values()) {
      if (d.status !== "processing" || nowS < d.endAt) continue;
      d.status = "terminated";
      d.updatedAt = d.endAt;
      d.result = Object.fromEntries(
        d.nodes.map((n) => [
          n,
          this.faults.koHosts.has(n)
            ? { macro: "SetDeploymentEnv", micro: "send_environment", state: "KO" as const }
            : { macro: null, micro: null, state: "OK" as const },
        ]),
      );
      changed = true;
    }
    return changed;
  }

  json(d: FakeDeployment) {
    const self = `/stable/sites/${this.site.uid}/deployments/${d.uid}`;
    return {
      uid: d.uid,
      site_uid: this.site.uid,
      user_uid: d.user,
      environment: d.environment,
      nodes: d.nodes,
      status: d.status,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      disable_bootloader_install: false,
      disable_disk_partitioning: false,
      ignore_nodes_deploying: false,
      ...(d.result === undefined ? {} : { result: d.result }),
      links: [
        { rel: "self", href: self, type: "application/vnd.grid5000.item+json" },
        { rel: "parent", href: `/stable/sites/${this.site.uid}`, type: "application/vnd.grid5000.item+json" },
      ],
    };
  }
}
