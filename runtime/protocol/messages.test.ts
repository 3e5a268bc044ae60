import { describe, expect, it } from "vitest";
import { ProtocolError } from "./errors.ts";
import {
  bidRequestSchema,
  bidSigningText,
  formatAccumulatedLatency,
  formatBidRequest,
  formatRegistration,
  formatSla,
  putSlaRequestSchema,
  registerNodeSchema,
  registrationSigningText,
  ZERO_LATENCY,
} from "./messages.ts";
import { generateNodeKeys, signText, verifyText } from "./signing.ts";
import { parseWith } from "./validate.ts";

const giraffPut = {
  sla: {
    memory: "500 MB",
    cpu: "500 millicpu",
    latencyMax: "37 ms",
    duration: "600000 ms",
    replicas: 1,
    functionImage: "127.0.0.1:5555/giraff:giraff_app",
    functionLiveName: "app20251014-i0-c500-m500-l37-a212-r2351-d600000",
    dataFlow: [{ from: { dataSource: "0f08c4be-8826-5530-a4d7-e2b753a0ea03" }, to: "thisFunction" }],
    envVars: [["MARKET_URL", "10.0.0.1:30008"]],
    envProcess: "server",
    inputMaxSize: "1 b",
  },
  targetNode: "0f08c4be-8826-5530-a4d7-e2b753a0ea03",
};

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return err.field;
    throw err;
  }
  throw new Error("expected a ProtocolError");
}

describe("messages", () => {
  it("accepts GIRAFF's PUT /api/function body unchanged (giraff.md §18)", () => {
    const put = parseWith(putSlaRequestSchema, giraffPut);
    expect(put.sla.memoryBytes).toBe(5e8);
    expect(put.sla.cpuMilli).toBe(500);
    expect(put.sla.latencyMaxMs).toBe(37);
    expect(put.sla.durationMs).toBe(600000);
    expect(put.sla.inputMaxSizeBytes).toBe(1 / 8);
    expect(put.sla.envVars).toEqual([["MARKET_URL", "10.0.0.1:30008"]]);
  });

  it("accepts the paper-era maxReplica in place of replicas", () => {
    const { replicas: _r, ...rest } = giraffPut.sla;
    expect(parseWith(putSlaRequestSchema, { ...giraffPut, sla: { ...rest, maxReplica: 1 } }).sla.replicas).toBe(1);
  });

  it.each([
    ["sla.memory", { memory: "0 MB" }],
    ["sla.memory", { memory: "-5 MB" }],
    ["sla.cpu", { cpu: "5 parsecs" }],
    ["sla.latencyMax", { latencyMax: 37 }],
    ["sla.duration", { duration: undefined }],
    ["sla.replicas", { replicas: -1 }],
    ["sla.replicas", { replicas: 1.5 }],
    ["sla.replicas", { replicas: undefined }],
    ["sla.functionImage", { functionImage: "" }],
    ["sla.inputMaxSize", { inputMaxSize: "0 B" }],
    ["sla.memory", { memory: "3 PB" }],
  ])("names %s when the SLA is wrong", (field, change) => {
    expect(fieldOf(() => parseWith(putSlaRequestSchema, { ...giraffPut, sla: { ...giraffPut.sla, ...change } }))).toBe(
      field,
    );
  });

  it("names targetNode when it is missing", () => {
    expect(fieldOf(() => parseWith(putSlaRequestSchema, { sla: giraffPut.sla }))).toBe("targetNode");
  });

  it("round-trips a bid request through its wire form", () => {
    const sla = { ...parseWith(putSlaRequestSchema, giraffPut).sla, id: "sla-1" };
    const wire = formatBidRequest({ nodeOrigin: "n1", sla, accumulatedLatency: ZERO_LATENCY, budgetMs: 100 });
    expect(wire.accumulatedLatency).toEqual({
      median: "0 s",
      average: "0 s",
      medianUncertainty: "0 s",
      packetLoss: "0 bp",
      bandwidth: "80000000000 b/s",
    });
    const back = parseWith(bidRequestSchema, JSON.parse(JSON.stringify(wire)));
    expect(back.sla).toEqual(sla);
    expect(back.accumulatedLatency).toEqual(ZERO_LATENCY);
    expect(formatSla(back.sla)).toEqual(wire.sla);
  });

  it("keeps GIRAFF's registration quirk: camelCase variants, snake_case fields", () => {
    const wire = {
      node: {
        parent: "p",
        node_id: "c",
        ip: "10.0.0.2",
        port_http: "30003",
        port_faas: "31112",
        tags: ["node_to_node", "c"],
        advertised_bandwidth: "1000000000 b/s",
      },
    };
    const reg = parseWith(registerNodeSchema, structuredClone(wire));
    expect(reg).toMatchObject({
      kind: "node",
      parent: "p",
      nodeId: "c",
      portHttp: "30003",
      advertisedBandwidthBps: 1e9,
    });
    expect(formatRegistration(reg)).toEqual(wire);
  });

  it("signatures bind a bid to its SLA and a registration to its fields", () => {
    const keys = generateNodeKeys();
    const bid = { nodeId: "n", id: "b", bid: 1.5, price: 1.5 };
    const sig = signText(keys, bidSigningText("sla-1", bid));
    expect(verifyText(keys.publicKey, bidSigningText("sla-1", bid), sig)).toBe(true);
    expect(verifyText(keys.publicKey, bidSigningText("sla-2", bid), sig)).toBe(false);
    expect(verifyText(keys.publicKey, bidSigningText("sla-1", { ...bid, bid: 1.4 }), sig)).toBe(false);
    expect(verifyText(generateNodeKeys().publicKey, bidSigningText("sla-1", bid), sig)).toBe(false);
    expect(verifyText("not a key", "x", sig)).toBe(false);
    const reg = parseWith(registerNodeSchema, {
      marketNode: { node_id: "r", ip: "1.2.3.4", port_http: 1, port_faas: 2, advertised_bandwidth: "1 Gb/s" },
    });
    const regSig = signText(keys, registrationSigningText(reg));
    expect(verifyText(keys.publicKey, registrationSigningText({ ...reg, ip: "6.6.6.6" }), regSig)).toBe(false);
  });
});

describe("bounds of wire quantities", () => {
  const put = (sla: Record<string, unknown>) => () =>
    parseWith(putSlaRequestSchema, { ...giraffPut, sla: { ...giraffPut.sla, ...sla } });

  it.each([
    ["memory", "1e-320 B", /from 1 MB to 1 TB/],
    ["memory", "2 TB", /from 1 MB to 1 TB/],
    ["cpu", "0.5 m", /from 1 millicpu to 10000 cpu/],
    ["latencyMax", "2 h", /from 1 us to 1 h/],
    ["duration", "25 d", /from 1 ms to 24 d/],
    ["duration", "0.1 ms", /from 1 ms to 24 d/],
    ["inputMaxSize", "2 GiB", /from 1 b \(one bit\) to 1 GiB/],
  ])("refuses sla.%s = %j with a rule naming its range", (field, value, range) => {
    let error: unknown;
    try {
      put({ [field]: value })();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ field: `sla.${field}`, value, status: 400 });
    expect((error as ProtocolError).rule).toMatch(range);
    expect((error as ProtocolError).message).toContain(JSON.stringify(value));
  });

  it("keeps every duration a node arms as a timer below 2^31 − 1 ms", () => {
    expect(put({ duration: "24 d" })().sla.durationMs).toBeLessThan(2 ** 31 - 1);
  });

  it("refuses a path's packet loss above 100 % and a zero bandwidth", () => {
    const request = {
      nodeOrigin: "n1",
      sla: { ...giraffPut.sla, id: "s1" },
      accumulatedLatency: formatAccumulatedLatency(ZERO_LATENCY),
    };
    expect(
      fieldOf(() =>
        parseWith(bidRequestSchema, {
          ...request,
          accumulatedLatency: { ...request.accumulatedLatency, packetLoss: "200 %" },
        }),
      ),
    ).toBe("accumulatedLatency.packetLoss");
    expect(
      fieldOf(() =>
        parseWith(bidRequestSchema, {
          ...request,
          accumulatedLatency: { ...request.accumulatedLatency, bandwidth: "0 b/s" },
        }),
      ),
    ).toBe("accumulatedLatency.bandwidth");
  });
});
