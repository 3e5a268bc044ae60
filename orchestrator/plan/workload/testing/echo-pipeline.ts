/** A three-function chain of `giraff:fn_echo` only, so the replayer's tests do not depend on the other functions. */
import { devTopology } from "../../../../runtime/testing/fixtures.ts";
import { generatePlan, type GeneratePlanSpec } from "../plan.ts";
import type { Plan } from "../plan-schema.ts";
import type { Pipeline } from "../pipelines.ts";

export function echoChainPipeline(): Pipeline {
  return {
    name: "echo-chain",
    content: "ping",
    functions: ["first", "second", "third"].map((name) => ({
      name,
      image: "giraff:fn_echo",
      memoryMiB: 20,
      cpuMilli: 10,
      latencyClass: "NO_LATENCY",
      inputMaxSize: "1500 B",
      expectedRequestIntervalMs: 100,
      replicas: 1,
      envVars: { SEED: "<<random>>", WHO: "<<REPLAY_TEST_WHO>>" },
    })),
  };
}

/** A plan of one echo chain per IoT-connected node of the dev topology (or of `spec.topology`). */
export function echoChainPlan(
  spec: Pick<GeneratePlanSpec, "experimentDurationS" | "seed" | "laws"> & Partial<Pick<GeneratePlanSpec, "topology">>,
): Plan {
  return generatePlan({
    topology: devTopology(),
    pipelines: [echoChainPipeline()],
    chainsPerTargetPerPipeline: 1,
    ...spec,
  });
}
