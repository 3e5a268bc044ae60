/**
 * `proxy-overhead`: what one passage through the chaining proxy adds to a call. A bare function server
 * (`http-echo.ts`) and a proxy (`proxy-node.ts`) run in their own processes on one node address; the same client
 * (`request()`, keep-alive, one socket) alternates a direct POST to the function with the same POST through the
 * proxy as a hop (with a `GIRAFF-Request-ID`, so the proxy calls the function itself: one passage), and, for
 * reference, as an entry request (entry then hop, the hand-over in-process since the function is local).
 * No link emulation: the figures are the proxy's own cost. Target: ≤ 1 ms added per hop at p50.
 */
import { Agent } from "node:http";
import { request } from "../runtime/http/client.ts";
import { ForwardProxyAgent } from "../runtime/proxy/forward-agent.ts";
import { round, summary, target, type Benchmark } from "./common.ts";
import { startProxiedFunction } from "./proxied-function.ts";

const ANSWER_BYTES = 120;
const BODY = Buffer.from(JSON.stringify({ tag: "bench", sentAt: 0, from: "iot_emulation", to: "x".repeat(60) }));

export const proxyOverhead: Benchmark = {
  name: "proxy-overhead",
  subnet: "127.205",
  async run(ctx) {
    const host = `${ctx.subnet}.0.2`;
    const count = ctx.quick ? 500 : 3000;
    const warmup = ctx.quick ? 100 : 300;
    const { functionPort, proxyPort, stop } = await startProxiedFunction(host, ANSWER_BYTES);
    const direct = new Agent({ keepAlive: true, maxSockets: 1 });
    const viaProxy = new ForwardProxyAgent(host, proxyPort, { maxSockets: 1 });
    const url = `http://${host}:${functionPort}/function/fogfn-bench`;
    const call = (agent: Agent, headers: Record<string, string>) => async () => {
      const t = performance.now();
      const answer = await request(url, { method: "POST", body: BODY, headers, agent, timeoutMs: 10_000 });
      if (answer.status !== 200) throw new Error(`The benchmark call answered ${answer.status}: ${answer.text()}`);
      return performance.now() - t;
    };
    const kinds = {
      direct: call(direct, { "content-type": "application/json" }),
      hop: call(viaProxy, { "content-type": "application/json", "GIRAFF-Request-ID": "bench-hop" }),
      entry: call(viaProxy, { "content-type": "application/json" }),
    };
    const times: Record<keyof typeof kinds, number[]> = { direct: [], hop: [], entry: [] };
    try {
      ctx.progress(`function on ${host}:${functionPort}, proxy on ${host}:${proxyPort}; ${count} calls of each kind`);
      for (let i = 0; i < warmup; i++) for (const k of Object.values(kinds)) await k();
      // interleaved, so that drift of the machine affects every kind alike
      for (let i = 0; i < count; i++)
        for (const [name, k] of Object.entries(kinds)) times[name as "direct"].push(await k());
    } finally {
      direct.destroy();
      viaProxy.destroy();
      stop();
    }
    const s = { direct: summary(times.direct), hop: summary(times.hop), entry: summary(times.entry) };
    const diff = (a: number | null | undefined, b: number | null | undefined) =>
      a === null || a === undefined || b === null || b === undefined ? null : round(a - b);
    const overheadP50 = diff(s.hop.p50, s.direct.p50);
    return {
      params: {
        calls: count,
        warmup,
        requestBytes: BODY.length,
        answerBytes: ANSWER_BYTES,
        linkEmulation: false,
        host,
      },
      figures: {
        directP50Ms: s.direct.p50 ?? null,
        directP99Ms: s.direct.p99 ?? null,
        hopP50Ms: s.hop.p50 ?? null,
        hopP99Ms: s.hop.p99 ?? null,
        overheadPerHopP50Ms: overheadP50,
        overheadPerHopP99Ms: diff(s.hop.p99, s.direct.p99),
        entryPathP50Ms: s.entry.p50 ?? null,
        entryOverheadP50Ms: diff(s.entry.p50, s.direct.p50),
      },
      targets: [target("overheadPerHopP50Ms", "<=", 1, "ms", overheadP50)],
      baseline: {
        what: "direct keep-alive POST to the same function server, same client, interleaved",
        figures: { roundTripP50Ms: s.direct.p50 ?? null },
        ratio: {
          what: "hopP50Ms / directP50Ms",
          value: s.hop.p50 && s.direct.p50 ? round(s.hop.p50 / s.direct.p50) : null,
        },
      },
      details: { directMs: s.direct, hopMs: s.hop, entryMs: s.entry },
    };
  },
};
