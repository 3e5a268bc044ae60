/**
 * Worst-case delivery-time models used to prune forwarding (giraff.md §5.8): a neighbour whose estimate exceeds
 * `sla.latencyMaxMs` is not asked, and neither is its subtree. Chosen by name (`latencyModel` in the node config).
 */
import { pickByName } from "../util/registry.ts";
import type { AccumulatedLatency, LatencyModel } from "./types.ts";

/** TCP maximum segment size: a 1500 B Ethernet MTU minus 40 B of IP and TCP headers. */
export const MSS_BYTES = 1460;
const HEADER_BYTES = 40;
/** Padhye's maximum window, in segments. */
const MAX_WINDOW = 33;
/** TCP retransmission timeout T₀ used by GIRAFF. */
const T0_MS = 20;

/**
 * [HEAD] Padhye et al. TCP throughput, in bytes per ms, with delayed ACKs (b = 2):
 * min(W/RTT, 1 / (RTT·√(4p/3) + T₀·min(1, 3√(6p/8))·p·(1 + 32p²))) segments per ms, × MSS.
 * Written as a transmission time so p = 0 (second term infinite) and RTT = 0 (first term infinite) need no
 * division by zero: time = max(window-limited time, loss-limited time).
 */
function tcpTransmissionMs(sizeBytes: number, rttMs: number, p: number): number {
  const segments = sizeBytes / MSS_BYTES;
  // W = min(size/MSS, 33): while the payload fits in one window it takes one RTT, whatever its size.
  const windowLimited = rttMs * Math.max(1, segments / MAX_WINDOW);
  const perSegmentMs =
    rttMs * Math.sqrt((4 * p) / 3) + T0_MS * Math.min(1, 3 * Math.sqrt((6 * p) / 8)) * p * (1 + 32 * p * p);
  return Math.max(windowLimited, segments * perSegmentMs);
}

const tcp: LatencyModel = {
  name: "tcp",
  /** 1.3 × (transmission + 1.5 × RTT), with one-way o = median + uncertainty and RTT = 2o. Bandwidth is unused. */
  estimateMs(acc, sizeBytes) {
    const rttMs = 2 * (acc.medianMs + acc.uncertaintyMs);
    return 1.3 * (tcpTransmissionMs(Math.max(0, sizeBytes), rttMs, acc.packetLoss) + 1.5 * rttMs);
  },
};

const paper: LatencyModel = {
  name: "paper",
  /** [paper] v3.0.0: one-way (median + uncertainty) + size on the wire / bottleneck bandwidth. */
  estimateMs(acc: AccumulatedLatency, sizeBytes: number) {
    const onWireBytes = Math.max(0, sizeBytes) * (1 + HEADER_BYTES / MSS_BYTES);
    // Nothing to send costs nothing, even on a zero-bandwidth path (avoids 0/0).
    const transferMs = onWireBytes === 0 ? 0 : ((onWireBytes * 8) / acc.bandwidthBps) * 1000;
    return acc.medianMs + acc.uncertaintyMs + transferMs;
  },
};

export const LATENCY_MODELS = { tcp, paper } as const satisfies Record<string, LatencyModel>;

export type LatencyModelName = keyof typeof LATENCY_MODELS;

/** The model registered under `name`; an unknown name is a configuration error. */
export function latencyModel(name: string): LatencyModel {
  return pickByName(LATENCY_MODELS, "latencyModel", name);
}
