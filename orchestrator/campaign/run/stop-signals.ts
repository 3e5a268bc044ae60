/**
 * Ctrl-C and SIGTERM during a campaign, in three levels:
 *
 *   1st ─► `graceful` aborts: running runs are cancelled (recorded as cancelled, rerun by --resume), their
 *          machines released, the campaign exits 130 after its summary
 *   2nd ─► `force` aborts: stop waiting for the runs; release every deployment still held, then exit 130
 *   3rd ─► exit 130 now, releasing nothing more (the message says so)
 *
 * One Ctrl-C can arrive twice: the terminal signals the whole foreground group, and `npx` (npm's run-script)
 * forwards it to its child as well. A signal within {@link COPY_WINDOW_MS} of the previous level's is that copy.
 */
export const COPY_WINDOW_MS = 1000;

export interface StopSignals {
  /** Aborted by the first signal: stop gracefully. */
  graceful: AbortSignal;
  /** Aborted by the second: stop now, still releasing the machines. */
  force: AbortSignal;
  /** Removes the handlers. */
  dispose(): void;
}

/** The process as far as signals go; tests pass an EventEmitter, a clock and a recording `exit`. */
export interface SignalEffects {
  on(signal: "SIGINT" | "SIGTERM", listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: "SIGINT" | "SIGTERM", listener: (signal: NodeJS.Signals) => void): unknown;
  now(): number;
  exit(code: number): void;
}

export const processSignals: SignalEffects = {
  on: (s, l) => process.on(s, l),
  off: (s, l) => process.off(s, l),
  now: () => performance.now(),
  exit: (code) => process.exit(code),
};

export function stopOnSignals(log: (line: string) => void, effects: SignalEffects = processSignals): StopSignals {
  const graceful = new AbortController();
  const force = new AbortController();
  let level = 0;
  let lastAt = -Infinity;
  const onSignal = (signal: NodeJS.Signals) => {
    const at = effects.now();
    if (at - lastAt < COPY_WINDOW_MS) return;
    lastAt = at;
    level++;
    if (level === 1) {
      log(
        `\n${signal}: stopping the running runs; they are recorded as cancelled and --resume reruns them. ` +
          "Press Ctrl-C again to stop now (the machines are still released).",
      );
      graceful.abort(new Error(signal));
    } else if (level === 2) {
      log(`\n${signal} again: stopping now, releasing every reservation still held. Once more to exit at once.`);
      force.abort(new Error(signal));
    } else {
      log(`\n${signal} a third time: exiting now; a reservation not yet released stays until its walltime ends.`);
      effects.exit(130);
    }
  };
  effects.on("SIGINT", onSignal);
  effects.on("SIGTERM", onSignal);
  return {
    graceful: graceful.signal,
    force: force.signal,
    dispose() {
      effects.off("SIGINT", onSignal);
      effects.off("SIGTERM", onSignal);
    },
  };
}
