/**
 * The reference the placement overhead is compared with: the plain HTTP round trip of one `POST /api/bid`-sized
 * request on loopback, between this process and a bare `node:http` server in another process
 * (`http-echo.ts`), with a keep-alive agent. No routing, validation, signing or link emulation.
 */
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { formatBidRequest, ZERO_LATENCY } from "../runtime/protocol/messages.ts";
import { startChild } from "./children.ts";
import { benchSla, summary } from "./common.ts";

export interface HttpBaseline {
  requestBytes: number;
  answerBytes: number;
  roundTripMs: Record<string, number | null>;
}

/** Times `count` sequential round trips after `warmup` unrecorded ones. */
export async function measureHttpBaseline(host: string, count: number, warmup = 100): Promise<HttpBaseline> {
  const sla = { ...benchSla("baseline"), id: randomUUID() };
  const body = Buffer.from(
    JSON.stringify(
      formatBidRequest({ nodeOrigin: randomUUID(), sla, accumulatedLatency: ZERO_LATENCY, budgetMs: 4950 }),
    ),
  );
  // one signed proposal and no refusals: what a leaf node answers
  const answerBytes = JSON.stringify({
    bids: [{ nodeId: randomUUID(), id: randomUUID(), bid: 0.123456789, price: 0.123456789, signature: "A".repeat(88) }],
    refusals: [],
  }).length;
  const { port, stop } = await startChild("./http-echo.ts", [host, String(answerBytes)], "The HTTP echo server");
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const once = () =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          {
            host,
            port,
            path: "/api/bid",
            method: "POST",
            agent,
            headers: { "content-type": "application/json", "content-length": body.length },
          },
          (res) => {
            res.on("data", () => {});
            res.on("end", () => resolve());
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    for (let i = 0; i < warmup; i++) await once();
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await once();
      times.push(performance.now() - t);
    }
    return { requestBytes: body.length, answerBytes, roundTripMs: summary(times) };
  } finally {
    agent.destroy();
    stop();
  }
}
