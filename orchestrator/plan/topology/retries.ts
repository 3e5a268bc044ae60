/**
 * Rejection sampling over seeds: GIRAFF reruns its generator with `parallel --retries 5` until both acceptance
 * checks pass. Here each attempt uses a seed derived from the requested one, so the whole search is replayable
 * and the seed that succeeded is recorded in the topology.
 */
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { isTopologyCheckError, TopologyCheckError } from "./checks.ts";
import { generateTopology } from "./generate.ts";
import type { GenerateOptions } from "./options.ts";

/** GNU Parallel's `--retries 5`: at most five runs in all. */
export const DEFAULT_ATTEMPTS = 5;

export interface FailedAttempt {
  seed: string | number;
  check: TopologyCheckError["check"];
  actual: number;
  limit: number;
}

export interface RetriedTopology {
  topology: Topology;
  /** The seed that passed, also in `topology.seed`. */
  seed: string | number;
  /** 1-based. */
  attempt: number;
  failures: FailedAttempt[];
}

/** The requested seed for the first attempt, then `<seed>#<attempt>`. */
export function derivedSeed(seed: string | number, attempt: number): string | number {
  return attempt === 1 ? seed : `${seed}#${attempt}`;
}

/**
 * Draws with derived seeds until the checks pass. When every attempt fails, throws the only attempt's error, or a
 * {@link TopologyCheckError} like the last attempt's (its exit code tells which check) that names every seed
 * tried, with the last attempt's error as `cause`.
 */
export function generateTopologyWithRetries(options: GenerateOptions & { attempts?: number }): RetriedTopology {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`Expected \`attempts\` to be a positive integer, got ${JSON.stringify(attempts)}.`);
  }
  const failures: FailedAttempt[] = [];
  let last: TopologyCheckError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const seed = derivedSeed(options.seed, attempt);
    try {
      const topology = generateTopology({ ...options, seed });
      if (attempt > 1) {
        topology.description =
          `${topology.description ?? ""} Attempt ${attempt} of ${attempts}: seed ${seed} derived from ${options.seed}.`.trim();
      }
      return { topology, seed, attempt, failures };
    } catch (err) {
      if (!isTopologyCheckError(err)) throw err;
      last = err;
      failures.push({ seed, check: err.check, actual: err.actual, limit: err.limit });
    }
  }
  if (attempts === 1) throw last!;
  throw new TopologyCheckError({
    check: last!.check,
    actual: last!.actual,
    limit: last!.limit,
    seed: last!.seed,
    cause: last,
    message: `No topology passed the checks in ${attempts} attempts (seeds ${failures.map((f) => f.seed).join(", ")}); the last: ${last!.message}`,
  });
}
