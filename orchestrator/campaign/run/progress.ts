/**
 * Live progress of a campaign: runs done, failed and running, the current step of each, and an ETA. On a
 * terminal the block is redrawn in place; otherwise (CI, a log file) one plain line per change.
 */
import type { ProgressEvent } from "../../batch/index.ts";

export interface ProgressSink {
  onBatch(event: ProgressEvent): void;
  onStep(key: string, step: string): void;
  close(): void;
}

export function campaignProgress(opts: {
  labels: ReadonlyMap<string, string>;
  concurrency: number;
  stream?: NodeJS.WriteStream;
  now?: () => number;
}): ProgressSink {
  const out = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const tty = out.isTTY === true;
  const running = new Map<string, { step: string; since: number }>();
  const durations: number[] = [];
  let total = 0;
  let toRun = 0;
  let done = 0;
  let failed = 0;
  let drawn = 0;
  const label = (key: string) => opts.labels.get(key) ?? key;

  const eta = (): string => {
    const left = toRun - done - failed;
    if (durations.length === 0 || left <= 0) return "";
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    const s = Math.round((mean * Math.ceil(left / opts.concurrency)) / 1000);
    return `, about ${Math.floor(s / 60)} min ${s % 60} s left`;
  };
  const headline = () => `${done + failed}/${toRun} runs (${failed} failed, ${running.size} running)${eta()}`;
  const draw = () => {
    if (!tty) return;
    const lines = [
      headline(),
      ...[...running].map(([k, r]) => `  ${label(k)}: ${r.step} (${Math.round((now() - r.since) / 1000)} s)`),
    ];
    out.write(`${drawn > 0 ? `\x1b[${drawn}A` : ""}\x1b[0J${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const say = (line: string) => {
    if (tty) {
      out.write(`${drawn > 0 ? `\x1b[${drawn}A` : ""}\x1b[0J${line}\n`);
      drawn = 0;
      draw();
    } else out.write(`${line}\n`);
  };
  const timer = tty ? setInterval(draw, 1000) : undefined;
  timer?.unref();

  return {
    onBatch(event) {
      if (event.type === "plan") {
        total = event.total;
        toRun = event.toRun;
        say(
          `${total} runs, ${event.skipped} already done, ${toRun} to run${event.seed === null ? "" : ` (shuffle seed ${event.seed})`}`,
        );
      } else if (event.type === "start") {
        running.set(event.runKey, { step: "starting", since: now() });
        say(`start ${label(event.runKey)} (attempt ${event.attempt})`);
      } else if (event.type === "end") {
        const r = event.record;
        if (!r.final) {
          say(`retrying ${label(r.runKey)} after attempt ${r.attempt}: ${r.error ?? `exit ${r.exit}`}`);
          return;
        }
        const started = running.get(r.runKey)?.since;
        running.delete(r.runKey);
        if (started !== undefined) durations.push(now() - started);
        const ok = r.exit === 0;
        if (ok) done++;
        else failed++;
        say(
          `${ok ? "done" : "FAILED"} ${label(r.runKey)}${ok ? "" : `: ${r.error ?? `exit ${r.exit}`}`} — ${headline()}`,
        );
      } else if (event.type === "halt") say(`halting (${event.rule}): ${event.reason}`);
    },
    onStep(key, step) {
      const r = running.get(key);
      if (r === undefined || r.step === step) return;
      running.set(key, { step, since: r.since });
      if (tty) draw();
      else out.write(`  ${label(key)}: ${step}\n`);
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
      draw();
    },
  };
}
