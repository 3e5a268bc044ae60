/** A three-function chain of `giraff:fn_echo` only, so the replayer's tests do not depend on the other functions. */
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
