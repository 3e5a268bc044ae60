/**
 * A batch invocation that never finishes its last run, for tests that need what a killed campaign leaves behind:
 * `tsx hold-run.ts <campaignDir> <key>…` resumes the batch of <campaignDir> with these run keys (the earlier ones must
 * be finished already) and holds the last one forever in `<key>.tmp-<pid>`, until the test kills this process.
 */
import { runBatch } from "../../orchestrator/batch/run-batch.ts";
import { quietEffects } from "../../orchestrator/batch/effects.ts";

const [dir, ...keys] = process.argv.slice(2);
if (dir === undefined || keys.length === 0) {
  console.error("Usage: tsx notebooks/testing/hold-run.ts <campaignDir> <runKey>…");
  process.exit(2);
}
const last = keys.at(-1);
await runBatch({
  dir,
  mode: "resume",
  effects: quietEffects,
  jobs: keys.map((key) => ({
    key,
    run: () =>
      key === last
        ? new Promise<never>(() => setInterval(() => {}, 60_000))
        : Promise.reject(new Error(`${key} should have been skipped: it is finished`)),
  })),
});
