/** Test fixtures: an SLA with small, round numbers and a link estimate from a one-way latency. */
import type { LinkEstimate, Sla } from "../types.ts";

export function makeSla(overrides: Partial<Sla> = {}): Sla {
  return {
    id: "sla-1",
    memoryBytes: 500e6,
    cpuMilli: 500,
    latencyMaxMs: 1000,
    durationMs: 600_000,
    replicas: 1,
    functionImage: "registry/fn:latest",
    functionLiveName: "fn",
    dataFlow: [],
    envVars: [],
    inputMaxSizeBytes: 1,
    ...overrides,
  };
}

export function link(medianMs: number, extra: Partial<LinkEstimate> = {}): LinkEstimate {
  return { medianMs, averageMs: medianMs, iqrMs: 0, packetLoss: 0, ...extra };
}
