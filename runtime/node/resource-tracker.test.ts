import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REASONS } from "../strategies/types.ts";
import { ResourceTracker, replicaFactor } from "./resource-tracker.ts";

const MiB = 1024 * 1024;

function sla(id: string, cpuMilli: number, memoryMiB: number, replicas = 1, durationMs = 60_000) {
  return { id, cpuMilli, memoryBytes: memoryMiB * MiB, replicas, durationMs };
}

describe("ResourceTracker", () => {
  it("admits strictly below the reservation, CPU checked first", () => {
    const t = new ResourceTracker({ cpuMilli: 1000, memoryBytes: 1000 * MiB });
    expect(t.check(sla("a", 999, 10))).toEqual({ ok: true });
    expect(t.check(sla("a", 1000, 10))).toMatchObject({ ok: false, reason: REASONS.insufficientCpu });
    expect(t.check(sla("a", 1000, 1000))).toMatchObject({ ok: false, reason: REASONS.insufficientCpu });
    const mem = t.check(sla("a", 100, 1000));
    expect(mem).toEqual({
      ok: false,
      reason: REASONS.insufficientMemory,
      detail: `needs ${1000 * MiB} bytes (1 × ${1000 * MiB}); 0 of ${1000 * MiB} used`,
    });
  });

  it("multiplies by max(1, replicas) both to admit and to account (fix of giraff.md §17.8)", () => {
    expect(replicaFactor(0)).toBe(1);
    const t = new ResourceTracker({ cpuMilli: 1000, memoryBytes: 1000 * MiB });
    expect(t.check(sla("a", 400, 100, 3))).toMatchObject({ ok: false, reason: REASONS.insufficientCpu });
    expect(t.pay(sla("a", 300, 100, 3), 0)).toEqual({ ok: true });
    expect(t.view()).toEqual({
      cpuAvailableMilli: 1000,
      cpuUsedMilli: 900,
      memoryAvailableBytes: 1000 * MiB,
      memoryUsedBytes: 300 * MiB,
    });
    expect(t.pay(sla("b", 100, 1, 0), 0)).toMatchObject({ ok: false, reason: REASONS.insufficientCpu });
    expect(t.pay(sla("b", 99, 1, 0), 0)).toEqual({ ok: true });
    expect(t.view().cpuUsedMilli).toBe(999);
  });

  it("refuses payment that no longer fits, without committing anything", () => {
    const t = new ResourceTracker({ cpuMilli: 1000, memoryBytes: 100 * MiB });
    t.pay(sla("a", 100, 60), 0);
    expect(t.pay(sla("b", 100, 40), 0)).toMatchObject({ ok: false, reason: REASONS.insufficientMemory });
    expect(t.isPaid("b")).toBe(false);
    expect(t.view().memoryUsedBytes).toBe(60 * MiB);
    expect(() => t.pay(sla("a", 1, 1), 0)).toThrow(/already paid/);
  });

  it("releases on finish, once", () => {
    const t = new ResourceTracker({ cpuMilli: 1000, memoryBytes: 100 * MiB });
    t.pay(sla("a", 100, 10), 0);
    t.pay(sla("b", 200, 20), 0);
    expect(t.finish("a")).toBe(true);
    expect(t.finish("a")).toBe(false);
    expect(t.finish("nope")).toBe(false);
    expect(t.view()).toMatchObject({ cpuUsedMilli: 200, memoryUsedBytes: 20 * MiB });
  });

  it("lists committed load per SLA with remaining seconds, 0 once past (fix of giraff.md §17.9)", () => {
    const t = new ResourceTracker({ cpuMilli: 2000, memoryBytes: 1000 * MiB });
    t.pay(sla("b", 500, 10, 1, 10_000), 1_000); // ends at 11 000
    t.pay(sla("a", 100, 10, 2, 30_000), 2_000); // ends at 32 000
    expect(t.committed(6_000)).toEqual([
      { cpuShare: 0.1, remainingS: 26 },
      { cpuShare: 0.25, remainingS: 5 },
    ]);
    expect(t.committed(20_000)).toEqual([
      { cpuShare: 0.1, remainingS: 12 },
      { cpuShare: 0.25, remainingS: 0 },
    ]);
    // Finishing "a" first must remove a's entry, not the oldest one.
    t.finish("a");
    expect(t.committed(6_000)).toEqual([{ cpuShare: 0.25, remainingS: 5 }]);
  });

  it("rejects a non-positive reservation", () => {
    expect(() => new ResourceTracker({ cpuMilli: 0, memoryBytes: 1 })).toThrow(/cpuMilli/);
    expect(() => new ResourceTracker({ cpuMilli: 1, memoryBytes: Number.NaN })).toThrow(/memoryBytes/);
  });

  it("never goes negative, never exceeds the reservation, and returns to 0 after all finishes", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("pay" as const),
        id: fc.integer({ min: 0, max: 15 }),
        cpu: fc.integer({ min: 1, max: 3000 }),
        mem: fc.double({ min: 0.1, max: 900, noNaN: true }),
        replicas: fc.integer({ min: 0, max: 4 }),
      }),
      fc.record({ kind: fc.constant("finish" as const), id: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const t = new ResourceTracker({ cpuMilli: 8000, memoryBytes: 4000 * MiB });
        const paid = new Set<string>();
        for (const o of ops) {
          const id = `sla-${o.id}`;
          if (o.kind === "pay") {
            if (paid.has(id)) continue;
            const d = t.pay({ id, cpuMilli: o.cpu, memoryBytes: o.mem * MiB, replicas: o.replicas, durationMs: 1 }, 0);
            if (d.ok) paid.add(id);
          } else {
            expect(t.finish(id)).toBe(paid.delete(id));
          }
          const v = t.view();
          expect(v.cpuUsedMilli).toBeGreaterThanOrEqual(0);
          expect(v.memoryUsedBytes).toBeGreaterThanOrEqual(0);
          expect(v.cpuUsedMilli).toBeLessThan(v.cpuAvailableMilli);
          expect(v.memoryUsedBytes).toBeLessThan(v.memoryAvailableBytes);
        }
        for (const id of paid) t.finish(id);
        expect(t.view()).toMatchObject({ cpuUsedMilli: 0, memoryUsedBytes: 0 });
        expect(t.committed(0)).toEqual([]);
      }),
    );
  });
});
