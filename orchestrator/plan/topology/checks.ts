/**
 * GIRAFF's acceptance checks on a generated network (giraff.md §11.1): too few fog nodes exits 122, too many
 * bare-metal hosts exits 123. Here they are one error class carrying the exit code, so the CLI can exit with it
 * and the retry helper can tell a failed check from a real error.
 */
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { packHosts, type ClusterName } from "./pack-hosts.ts";

export const EXIT_TOO_FEW_NODES = 122;
export const EXIT_TOO_MANY_HOSTS = 123;

/** `max-nodes` is ours: on one machine MAX_NUMBER_VMS bounds the fog nodes, as there are no hosts to pack. */
export type CheckName = "min-nodes" | "max-hosts" | "max-nodes";

/** A generated topology failed an acceptance check; another seed may pass. */
export class TopologyCheckError extends Error {
  override name = "TopologyCheckError";
  readonly check: CheckName;
  /** GIRAFF's exit status for this check: 122 (min-nodes) or 123 (max-hosts, and our max-nodes). */
  readonly exitCode: typeof EXIT_TOO_FEW_NODES | typeof EXIT_TOO_MANY_HOSTS;
  /** Fog nodes (min-nodes, max-nodes) or hosts needed (max-hosts). */
  readonly actual: number;
  readonly limit: number;
  readonly seed: string | number | undefined;

  constructor(opts: {
    check: CheckName;
    actual: number;
    limit: number;
    seed: string | number | undefined;
    message: string;
    cause?: unknown;
  }) {
    super(opts.message, { cause: opts.cause });
    this.check = opts.check;
    this.exitCode = opts.check === "min-nodes" ? EXIT_TOO_FEW_NODES : EXIT_TOO_MANY_HOSTS;
    this.actual = opts.actual;
    this.limit = opts.limit;
    this.seed = opts.seed;
  }
}

export function isTopologyCheckError(e: unknown): e is TopologyCheckError {
  return e instanceof TopologyCheckError;
}

/** GIRAFF's FOG_NODES: every node but the root (the root's VM also runs the market). */
export function fogNodeCount(topology: Topology): number {
  return topology.nodes.length - 1;
}

/** Throws a {@link TopologyCheckError} for the first failed check; checks without a limit are skipped. */
export function checkTopology(
  topology: Topology,
  limits: {
    minNodes?: number | undefined;
    maxNodes?: number | undefined;
    maxHosts?: number | undefined;
    cluster: ClusterName;
  },
): void {
  const fogNodes = fogNodeCount(topology);
  if (limits.maxNodes !== undefined && fogNodes > limits.maxNodes) {
    throw new TopologyCheckError({
      check: "max-nodes",
      actual: fogNodes,
      limit: limits.maxNodes,
      seed: topology.seed,
      message: `The topology drawn with seed ${topology.seed} has ${fogNodes} fog nodes, more than the maximum ${limits.maxNodes}.`,
    });
  }
  if (limits.minNodes !== undefined && fogNodes < limits.minNodes) {
    throw new TopologyCheckError({
      check: "min-nodes",
      actual: fogNodes,
      limit: limits.minNodes,
      seed: topology.seed,
      message: `The topology drawn with seed ${topology.seed} has ${fogNodes} fog nodes, fewer than the minimum ${limits.minNodes}.`,
    });
  }
  if (limits.maxHosts !== undefined) {
    const { hostsNeeded } = packHosts(topology, limits.cluster);
    if (hostsNeeded > limits.maxHosts) {
      throw new TopologyCheckError({
        check: "max-hosts",
        actual: hostsNeeded,
        limit: limits.maxHosts,
        seed: topology.seed,
        message:
          `The topology drawn with seed ${topology.seed} needs ${hostsNeeded} ${limits.cluster} hosts ` +
          `(the IoT emulator's included), more than the maximum ${limits.maxHosts}.`,
      });
    }
  }
}
