import { describe, expect, it } from "vitest";
import { EVENT_KINDS, metricEventSchema, type EventKind } from "./events.ts";

const base = { t: 1700000000000.25, run: "run-1", source: "nodes-0" };

/** One valid line per kind, as the runtime writes it (NOTE in events.ts: a new kind adds its line here). */
// prettier-ignore
const FIXTURES: Record<EventKind, string> = {
  sla_submitted: '{"kind":"sla_submitted","slaId":"s1","functionName":"f","targetNode":"n1","memoryBytes":67108864,"cpuMilli":100,"latencyMaxMs":20,"durationMs":60000,"inputMaxSizeBytes":1500,"replicas":1}',
  bid_request_seen: '{"kind":"bid_request_seen","slaId":"s1","nodeId":"n2","from":"n1","accumulatedMedianMs":5,"accumulatedUncertaintyMs":0.5}',
  bid: '{"kind":"bid","slaId":"s1","functionName":"f","nodeId":"n2","bidId":"b1","bid":3,"price":3.5,"strategy":"auction","valuation":"quadratic"}',
  refused: '{"kind":"refused","scope":"node","slaId":"s1","nodeId":"n2","reason":"insufficient memory"}',
  auction_result: '{"kind":"auction_result","slaId":"s1","functionName":"f","targetNode":"n1","rule":"second-price","startedAt":1,"durationMs":40,"outcome":"awarded","winner":"n2","winningBidId":"b1","winningBid":3,"price":4,"bids":[{"nodeId":"n2","bidId":"b1","bid":3,"verdict":"valid"}],"refusals":[],"paymentAttempts":[{"nodeId":"n2","ok":true}]}',
  payment: '{"kind":"payment","slaId":"s1","functionName":"f","nodeId":"n2","bidId":"b1","price":4}',
  provisioned: '{"kind":"provisioned","slaId":"s1","functionName":"f","nodeId":"n2","faasName":"f-s1"}',
  live: '{"kind":"live","slaId":"s1","functionName":"f","nodeId":"n2","waitedMs":20}',
  finished: '{"kind":"finished","slaId":"s1","functionName":"f","nodeId":"n2","reason":"expired","errors":[]}',
  neighbor_latency: '{"kind":"neighbor_latency","nodeId":"n1","neighborId":"n0","rawMs":5.1,"averageMs":5.05,"medianMs":5,"iqrMs":0.1,"rawPacketLoss":0,"packetLoss":0}',
  resource_usage: '{"kind":"resource_usage","nodeId":"n1","cpuUsedMilli":100,"cpuAvailableMilli":1000,"memoryUsedBytes":1e8,"memoryAvailableBytes":1e9}',
  node_registered: '{"kind":"node_registered","nodeId":"n1","parent":"n0","ip":"127.77.0.2","portHttp":"30003"}',
  proxy_hop: '{"kind":"proxy_hop","reqId":"r1","slaId":"s1","tags":"f-s1","firstHop":false,"receivedAt":2010,"respondedAt":2030,"serviceStatus":200,"status":200}',
  replay_step: '{"kind":"replay_step","chainId":"c1","step":"submit","ok":true,"durationMs":1,"functionIndex":0,"slaId":"s1"}',
  emulation_health: '{"kind":"emulation_health","windowMs":1000.4,"nodes":12,"final":false,"loopLagP50Ms":0.05,"loopLagP99Ms":3.2,"loopLagMaxMs":41.9,"timerDelays":5321,"timerSlackP50Ms":0.03,"timerSlackP99Ms":2.1,"timerSlackMaxMs":38.5}',
  send_failure: '{"kind":"send_failure","slaId":"s1","reason":"timeout","detail":"no answer within 1000 ms"}',
};

describe("metric event schemas", () => {
  it("have a fixture line for every kind", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([...EVENT_KINDS].sort());
  });

  it.each(EVENT_KINDS)("accept the %s fixture line", (kind) => {
    const event = metricEventSchema.parse({ ...base, ...JSON.parse(FIXTURES[kind]) });
    expect(event.kind).toBe(kind);
  });

  it("reject an emulation_health line without its timer slack", () => {
    const { timerSlackP99Ms: _, ...line } = JSON.parse(FIXTURES.emulation_health) as Record<string, unknown>;
    expect(metricEventSchema.safeParse({ ...base, ...line }).success).toBe(false);
  });
});
