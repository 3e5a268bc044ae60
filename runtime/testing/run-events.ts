/** Reading back what a run wrote, for tests that launch a fog network with a `runDir`. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { metricEventSchema, type MetricEvent } from "../protocol/events.ts";

/** Every event of every file in `<runDir>/events/`, each parsed against the event union (an invalid line throws). */
export function readRunEvents(runDir: string): MetricEvent[] {
  const dir = join(runDir, "events");
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => metricEventSchema.parse(JSON.parse(line))),
  );
}
