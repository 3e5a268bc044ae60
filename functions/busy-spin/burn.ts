/**
 * Burning CPU without freezing the process: spin in short slices and yield to the event loop between them, so that
 * `/health` and concurrent requests still answer while a 100 s execution runs. In a dense host, a gate between slices
 * holds the instance to its CPU limit and counts its busy time.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { CpuGate } from "../lib/contract.ts";

export interface BurnResult {
  /** Busy time spent spinning for this request, in ms (≥ the planned time). */
  busyMs: number;
  /** Wall time from start to end, in ms; larger than `busyMs` when requests share the CPU. */
  wallMs: number;
}

/**
 * Spins until this request has accumulated `plannedMs` of its own busy slices. Counting the request's slices rather
 * than wall time keeps each request's CPU demand equal to its draw when several run at once, as a real function's.
 */
export async function burnCpu(plannedMs: number, sliceMs = 10, gate?: CpuGate): Promise<BurnResult> {
  const start = performance.now();
  let busyMs = 0;
  let sink = 0;
  while (busyMs < plannedMs) {
    await gate?.beforeSlice();
    const sliceStart = performance.now();
    const sliceEnd = sliceStart + Math.min(sliceMs, plannedMs - busyMs);
    let now = sliceStart;
    while (now < sliceEnd) {
      // Arithmetic the engine cannot drop, so the loop really uses the CPU.
      for (let i = 0; i < 1000; i++) sink = (sink * 31 + i) % 1_000_003;
      now = performance.now();
    }
    busyMs += now - sliceStart;
    gate?.afterSlice(now - sliceStart);
    await yieldToEventLoop();
  }
  if (sink < 0) throw new Error("unreachable");
  return { busyMs, wallMs: performance.now() - start };
}
