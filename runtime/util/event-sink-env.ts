/** The event file of a VM entry point: `GIRAFF_EVENTS` (a `.jsonl` path), stamped with `GIRAFF_RUN`; none if unset. */
import { fileEventWriter, nullEventSink, type EventSink } from "../events/writer.ts";
import { maybeVar, type Env } from "./env-vars.ts";

export function eventSinkFromEnv(env: Env, source: string): EventSink {
  const path = maybeVar(env, "GIRAFF_EVENTS");
  return path === undefined
    ? nullEventSink
    : fileEventWriter(path, { run: maybeVar(env, "GIRAFF_RUN") ?? "vm", source });
}
