/**
 * The IPC messages between the embedded gateway's process (`function-host.ts`) and a dense function host
 * (`dense-host.ts`), one process per image per worker. Plain JSON: they cross a Node IPC channel.
 *
 *   gateway ──add {id, env, milliCpu, maxInflight}──► host   (env: the instance's whole environment object)
 *           ◄──added {id} | add-failed {id, reason}──
 *           ──remove {id}──► host ──removed {id}──►           (once its requests are cut and it is forgotten)
 *           ◄──listening {port}── (once, at start)   ◄──usage {instances}── (every usagePeriodMs, when it changed)
 */

/** What the host counts per instance. */
export interface InstanceUsage {
  /** CPU time the instance's handler used: its burn slices and the synchronous part of each call, in ms. */
  busyMs: number;
  /** Time its burn slices were held back by its CPU limit, in ms. */
  throttledMs: number;
  /** Requests received (all routes), requests in flight, and requests refused with 429 over `maxInflight`. */
  requests: number;
  running: number;
  refused: number;
}

export type ToHost =
  | {
      type: "add";
      id: string;
      /** The instance's whole environment (function-box.ts `functionEnvironment`): never the host's own. */
      env: Record<string, string>;
      /** CPU limit in millicores; null = none (only counted). */
      milliCpu: number | null;
      /** Requests in flight above which it answers 429, as of-watchdog's `max_inflight`; null = no limit. */
      maxInflight: number | null;
    }
  | { type: "remove"; id: string };

export type FromHost =
  | { type: "listening"; port: number }
  | { type: "added"; id: string }
  | { type: "add-failed"; id: string; reason: string }
  | { type: "removed"; id: string }
  | { type: "usage"; instances: Record<string, InstanceUsage> };
