/**
 * What the gateway routes to and stops, whatever runs the function: a process of its own (`function-process.ts`,
 * process mode) or an instance in its image's host process (`dense-instance.ts`, dense mode).
 */
import type { FunctionProcessStatus } from "./function-process.ts";
import type { InstanceUsage } from "./function-host-messages.ts";

/** A dense instance, as `GET /system/function/<name>` shows it under `process.instance`. */
export interface InstanceInfo extends InstanceUsage {
  /** Its path prefix in the host (`/<id>/…`). */
  id: string;
  /** The image's folder, whose host process runs it. */
  image: string;
  /** CPU limit enforced on its burn slices, in millicores; null = none (only counted). */
  milliCpu: number | null;
  /** Memory limit: NOT enforced per instance (instances share one heap), only reported. */
  memory: string | null;
  maxInflight: number | null;
}

export interface FunctionRunner {
  readonly name: string;
  readonly startedAt: Date;
  readonly status: FunctionProcessStatus;
  /** The process serving it (a dense instance's is its host's, shared). */
  readonly pid: number | undefined;
  readonly port: number | undefined;
  /** Its base URL while it can take requests. */
  readonly url: string | undefined;
  readonly failure: string | undefined;
  readonly instance?: InstanceInfo | undefined;
  /** Stops it and resolves once it is gone; `graceMs` before it is forced. */
  stop(graceMs: number): Promise<unknown>;
  /** Last resort when the gateway's own process exits. */
  killNowSync(): void;
}
