/**
 * The three levels of Ctrl-C, on an event emitter standing for the process and a clock the test moves: the first
 * stops gracefully, its copy (npx forwards the terminal's signal) is ignored, the second forces, the third exits.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { COPY_WINDOW_MS, stopOnSignals } from "./stop-signals.ts";

function fakeProcess() {
  const emitter = new EventEmitter();
  let now = 0;
  const exits: number[] = [];
  return {
    emitter,
    exits,
    advance: (ms: number) => void (now += ms),
    send: (signal: "SIGINT" | "SIGTERM") => emitter.emit(signal, signal),
    effects: {
      on: (s: "SIGINT" | "SIGTERM", l: (signal: NodeJS.Signals) => void) => emitter.on(s, l),
      off: (s: "SIGINT" | "SIGTERM", l: (signal: NodeJS.Signals) => void) => emitter.off(s, l),
      now: () => now,
      exit: (code: number) => void exits.push(code),
    },
  };
}

describe("stopOnSignals", () => {
  it("stops gracefully, ignores the copy of the same Ctrl-C, forces on the second and exits 130 on the third", () => {
    const p = fakeProcess();
    const lines: string[] = [];
    const stop = stopOnSignals((l) => lines.push(l), p.effects);
    p.send("SIGINT");
    expect([stop.graceful.aborted, stop.force.aborted]).toEqual([true, false]);
    p.advance(COPY_WINDOW_MS - 1);
    p.send("SIGINT"); // npx's forwarded copy of the same Ctrl-C
    expect(stop.force.aborted).toBe(false);
    p.advance(COPY_WINDOW_MS);
    p.send("SIGINT");
    expect(stop.force.aborted).toBe(true);
    expect(p.exits).toEqual([]);
    p.advance(COPY_WINDOW_MS);
    p.send("SIGTERM");
    expect(p.exits).toEqual([130]);
    expect(lines.map((l) => l.trim().split(":")[0])).toEqual(["SIGINT", "SIGINT again", "SIGTERM a third time"]);
  });

  it("removes its handlers when disposed", () => {
    const p = fakeProcess();
    const stop = stopOnSignals(() => {}, p.effects);
    expect(p.emitter.listenerCount("SIGINT") + p.emitter.listenerCount("SIGTERM")).toBe(2);
    stop.dispose();
    expect(p.emitter.listenerCount("SIGINT") + p.emitter.listenerCount("SIGTERM")).toBe(0);
  });
});
