/**
 * The worker thread of the transcoding pool: transcodes one events file per message and answers its result, or
 * the error as a message (the pool turns it back into an Error). Started by pool.ts through worker-entry.mjs, with
 * the event columns as `workerData`.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { EventColumn } from "../event-columns.ts";
import { buildKindPlans } from "./kind-plans.ts";
import { transcodeFile, type TranscodeJob } from "./transcode-file.ts";

const plans = buildKindPlans((workerData as { columns: Record<string, EventColumn[]> }).columns);

parentPort!.postMessage({ ready: true });

parentPort!.on("message", (job: TranscodeJob) => {
  try {
    parentPort!.postMessage({ result: transcodeFile(job, plans) });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});
