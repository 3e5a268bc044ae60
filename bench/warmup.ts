/**
 * `warmup`: how long a fresh network takes to place its first function. From the call to `launchFogNetwork`, a
 * client PUTs an SLA to the market's planned address every ~50 ms (the market may not listen yet, the target may
 * not be registered yet) until one is awarded. `readyAfterMs` is when the launcher itself reports every node
 * registered and measuring its neighbours. GIRAFF waits at least 60 s before its first SLA.
 */
import { request } from "../runtime/http/client.ts";
import { planAddresses } from "../runtime/launcher/address-plan.ts";
import { launchFogNetwork, type FogNetwork } from "../runtime/launcher/launch.ts";
import { parseTopology } from "../runtime/protocol/topology.ts";
import { seededRandom } from "../runtime/util/seeded-random.ts";
import {
  benchSla,
  errorMessage,
  histogram,
  iotNodes,
  round,
  sleep,
  target,
  wireSla,
  type Benchmark,
} from "./common.ts";
import { benchTree } from "./tree.ts";

const RETRY_MS = 50;
const GIVE_UP_MS = 60_000;

export const warmup: Benchmark = {
  name: "warmup",
  subnet: "127.204",
  async run(ctx) {
    const nodes = ctx.quick ? 30 : 100;
    const topology = parseTopology(benchTree({ nodes, seed: ctx.seed }));
    const random = seededRandom(`warmup/${ctx.seed}`);
    const iot = iotNodes(topology);
    const targetNode = iot[Math.floor(random() * iot.length)]!;
    const market = planAddresses(topology, ctx.subnet).market;
    const url = `http://${market.ip}:${market.port}/api/function`;
    const body = { sla: wireSla(benchSla("warmup", { latencyMaxMs: 200 })), targetNode };
    const options = { subnet: ctx.subnet, faas: false, logLevel: "error" as const, run: "bench" };

    ctx.progress(`launching ${nodes} nodes; PUT ${url} every ${RETRY_MS} ms`);
    const t0 = performance.now();
    let network: FogNetwork | undefined;
    let launchError: unknown;
    const launching = launchFogNetwork(topology, options).then(
      (n) => (network = n),
      (err: unknown) => (launchError = err),
    );
    const failures: string[] = [];
    let firstAwardMs: number | undefined;
    let awardedAnswer: { proposals?: { bids?: unknown[] } } | undefined;
    let attempts = 0;
    try {
      while (firstAwardMs === undefined && launchError === undefined && performance.now() - t0 < GIVE_UP_MS) {
        attempts++;
        const sent = performance.now();
        try {
          const answer = await request(url, { method: "PUT", body, timeoutMs: 10_000 });
          if (answer.status === 200) {
            firstAwardMs = performance.now() - t0;
            awardedAnswer = answer.json() as typeof awardedAnswer;
          } else {
            failures.push(`HTTP ${answer.status}`);
          }
        } catch (err) {
          failures.push(
            /refused|ECONNREFUSED/i.test(errorMessage(err)) ? "connection refused" : errorMessage(err).slice(0, 80),
          );
        }
        if (firstAwardMs === undefined) await sleep(Math.max(0, RETRY_MS - (performance.now() - sent)));
      }
      await launching;
      if (launchError !== undefined) throw launchError;
    } finally {
      await launching;
      await network?.stop();
    }
    const readyAfterMs = network?.readyAfterMs;
    return {
      params: { nodes, seed: ctx.seed, targetNode, retryMs: RETRY_MS, launch: options },
      figures: {
        firstAwardMs: round(firstAwardMs ?? null, 0),
        readyAfterMs: round(readyAfterMs ?? null, 0),
        attempts,
        firstAwardBids: awardedAnswer?.proposals?.bids?.length ?? null,
      },
      details: { failedAttempts: histogram(failures), referenceWaitMs: 60_000 },
      targets: [target("firstAwardMs", "<=", 2000, "ms", round(firstAwardMs ?? null, 0))],
    };
  },
};
