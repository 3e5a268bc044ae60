/**
 * Planning options, checked at the boundary (STYLE.md principle 8): each error is a ConfigError naming the option,
 * the value and the rule, before anything is reserved.
 */
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import { formatWalltime, parseWalltime } from "../api/oar-time.ts";
import { isClusterName, type ClusterName } from "../../../plan/topology/index.ts";

export interface Grid5000PlanOptions {
  cluster: string;
  /** `HH:MM:SS` or seconds. */
  walltime: string | number;
  site: string;
  jobName: string;
  /** Advance reservation, OAR's `YYYY-MM-DD hh:mm:ss` in Europe/Paris. */
  reservation?: string | undefined;
  queue?: string | undefined;
  project?: string | undefined;
  /** A kadeploy environment: adds the `deploy` job type and a deployment of every host. */
  environment?: string | undefined;
  /** The SSH public key kadeploy installs for root. */
  sshKey?: string | undefined;
  /** The G5K login whose NFS home the VMs mount. */
  login?: string | undefined;
  /** Once the job runs: its uid, nodes and subnet, so that every later body is exact. */
  lease?: { jobUid: number; nodes: string[]; subnets: string[] } | undefined;
}

export interface NormalizedPlanOptions extends Omit<Grid5000PlanOptions, "cluster" | "walltime" | "queue"> {
  cluster: ClusterName;
  walltime: string;
  walltimeS: number;
  queue: string;
}

const QUEUES = ["default", "production", "testing", "besteffort"];

export function normalizePlanOptions(o: Grid5000PlanOptions): NormalizedPlanOptions {
  if (!isClusterName(o.cluster))
    throw invalid("cluster", "a cluster GIRAFF packs for (gros, parasilo, ecotype)", o.cluster);
  const walltimeS = typeof o.walltime === "number" ? o.walltime : parseWalltime(o.walltime);
  if (walltimeS === undefined || !Number.isInteger(walltimeS) || walltimeS <= 0) {
    throw invalid("walltime", "a positive duration HH:MM:SS or a number of seconds", o.walltime);
  }
  if (!/^[\w.-]{1,100}$/.test(o.site)) throw invalid("site", "a site name such as nancy", o.site);
  if (!/^[\w.-]{1,100}$/.test(o.jobName))
    throw invalid("jobName", "a job name of letters, digits, `.`, `_` or `-`", o.jobName);
  if (o.reservation !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(o.reservation)) {
    throw invalid("reservation", "a date `YYYY-MM-DD hh:mm:ss` (Europe/Paris)", o.reservation);
  }
  const queue = o.queue ?? "default";
  if (!QUEUES.includes(queue)) throw invalid("queue", `one of ${QUEUES.join(", ")}`, queue);
  return { ...o, cluster: o.cluster, walltime: formatWalltime(walltimeS), walltimeS, queue };
}

function invalid(field: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(field, `Expected \`${field}\` to be ${rule}, got ${JSON.stringify(value)} (${typeof value}).`);
}
