/** Production effects for the transport: the wall clock, timer sleeps, and log lines on stderr. */
import { setTimeout as sleep } from "node:timers/promises";
import type { TransportEffects } from "./types.ts";

export const defaultEffects: TransportEffects = {
  clock: { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, undefined, { signal }) },
  logger: {
    info: (m) => console.error(`ssh: ${m}`),
    warn: (m) => console.error(`ssh: warning: ${m}`),
  },
};

/** Effects that log nothing, for tests. */
export const quietLogger: TransportEffects["logger"] = { info: () => {}, warn: () => {} };
