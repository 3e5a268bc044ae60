import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isProtocolError } from "../protocol/errors.ts";
import type { Sla } from "../protocol/messages.ts";
import { FunctionTable, finish, pay, propose } from "./function-table.ts";
import type { FunctionState } from "./function-table.ts";

function sla(id: string, durationMs = 10_000): Sla {
  return {
    id,
    memoryBytes: 100 * 1024 * 1024,
    cpuMilli: 100,
    latencyMaxMs: 50,
    durationMs,
    replicas: 1,
    functionImage: "ghcr.io/example/echo:1",
    functionLiveName: "echo",
    dataFlow: [],
    envVars: [],
    inputMaxSizeBytes: 1500,
  };
}

const offer = { bidId: "bid-1", bid: 3.5, price: 3.5 };

/** Runs `fn` and returns the ProtocolError it throws. */
function protocolErrorOf(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (isProtocolError(e)) return e;
    throw e;
  }
  throw new Error("expected a ProtocolError");
}

describe("FunctionTable", () => {
  it("walks Proposed → Paid → Provisioned → Live → Finished, stamping each step", () => {
    const t = new FunctionTable();
    t.propose(sla("abc"), offer, 1);
    t.pay("abc", 2);
    t.provision("abc", 3);
    t.markLive("abc", 4);
    expect(t.finish("abc", 5)).toEqual({
      state: "Finished",
      sla: sla("abc"),
      bidId: "bid-1",
      bid: 3.5,
      price: 3.5,
      faasName: "fogfn-abc",
      proposedAt: 1,
      paidAt: 2,
      provisionedAt: 3,
      liveAt: 4,
      finishedAt: 5,
    });
  });

  it("can finish from Paid and from Provisioned", () => {
    const t = new FunctionTable();
    t.propose(sla("a"), offer, 0);
    t.pay("a", 0);
    expect(t.finish("a", 1).state).toBe("Finished");
    t.propose(sla("b"), offer, 0);
    t.pay("b", 0);
    t.provision("b", 0);
    expect(t.finish("b", 1).state).toBe("Finished");
  });

  it("answers 404 for an unknown SLA", () => {
    const t = new FunctionTable();
    for (const step of [() => t.pay("zz", 0), () => t.provision("zz", 0), () => t.finish("zz", 0)]) {
      const e = protocolErrorOf(step);
      expect(e.status).toBe(404);
      expect(e.message).toBe("SLA zz is unknown on this node: it never bid on it, or the record has expired.");
    }
  });

  it("answers 409 with a readable sentence for a step in the wrong state", () => {
    const t = new FunctionTable();
    t.propose(sla("abc"), offer, 0);
    expect(protocolErrorOf(() => t.provision("abc", 1))).toMatchObject({
      status: 409,
      message: "SLA abc is Proposed, not Paid: provision it after payment.",
    });
    expect(protocolErrorOf(() => t.markLive("abc", 1)).message).toMatch(/is Proposed, not Provisioned/);
    expect(protocolErrorOf(() => t.finish("abc", 1))).toMatchObject({
      status: 409,
      message: "SLA abc is Proposed, not Paid, Provisioned or Live: only a paid function can finish.",
    });
    t.pay("abc", 1);
    expect(protocolErrorOf(() => t.pay("abc", 2))).toMatchObject({ status: 409, message: /is Paid, not Proposed/ });
    expect(protocolErrorOf(() => t.propose(sla("abc"), offer, 2))).toMatchObject({
      status: 409,
      message: "SLA abc is Paid: it cannot be proposed again.",
    });
    t.finish("abc", 3);
    expect(protocolErrorOf(() => t.finish("abc", 4)).status).toBe(409);
    expect(t.get("abc")?.state).toBe("Finished");
  });

  it("replaces a proposal that is still Proposed", () => {
    const t = new FunctionTable();
    t.propose(sla("a"), offer, 0);
    t.propose(sla("a"), { bidId: "bid-2", bid: 1, price: 2 }, 5);
    expect(t.size).toBe(1);
    expect(t.get("a")).toMatchObject({ bidId: "bid-2", bid: 1, price: 2, proposedAt: 5 });
  });

  it("lists running functions due to finish, earliest first", () => {
    const t = new FunctionTable();
    for (const [id, paidAt, durationMs] of [
      ["late", 0, 9_000],
      ["early", 1_000, 2_000],
      ["live", 0, 5_000],
      ["future", 0, 20_000],
    ] as const) {
      t.propose(sla(id, durationMs), offer, 0);
      t.pay(id, paidAt);
    }
    t.provision("live", 1);
    t.markLive("live", 2);
    t.propose(sla("unpaid", 1), offer, 0);
    t.propose(sla("done", 1), offer, 0);
    t.pay("done", 0);
    t.finish("done", 1);
    expect(t.dueToFinish(2_999).map((r) => r.sla.id)).toEqual([]);
    expect(t.dueToFinish(3_000).map((r) => r.sla.id)).toEqual(["early"]);
    expect(t.dueToFinish(10_000).map((r) => r.sla.id)).toEqual(["early", "live", "late"]);
  });

  it("expires unpaid proposals after a TTL and prunes finished records after a retention (fix of §17.20)", () => {
    const t = new FunctionTable();
    t.propose(sla("lost"), offer, 0);
    t.propose(sla("recent"), offer, 500);
    t.propose(sla("paid"), offer, 0);
    t.pay("paid", 10);
    expect(t.expireProposals(999, 1_000)).toEqual([]);
    expect(t.expireProposals(1_000, 1_000).map((r) => r.sla.id)).toEqual(["lost"]);
    expect(t.get("lost")).toBeUndefined();
    expect(t.get("paid")?.state).toBe("Paid");

    t.finish("paid", 2_000);
    expect(t.prune(2_999, 1_000)).toEqual([]);
    expect(t.prune(3_000, 1_000).map((r) => r.sla.id)).toEqual(["paid"]);
    expect(t.records().map((r) => r.sla.id)).toEqual(["recent"]);
  });

  it("pure transitions leave the input record untouched", () => {
    const proposed = propose(sla("p"), offer, 0);
    const paid = pay(proposed, 1);
    expect(proposed.state).toBe("Proposed");
    expect(paid).toMatchObject({ state: "Paid", paidAt: 1 });
    expect(finish(paid, 2).state).toBe("Finished");
  });

  it("accepts a step exactly when the state machine allows it", () => {
    const allowed: Record<string, FunctionState[]> = {
      pay: ["Proposed"],
      provision: ["Paid"],
      markLive: ["Provisioned"],
      finish: ["Paid", "Provisioned", "Live"],
    };
    const steps = ["pay", "provision", "markLive", "finish"] as const;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...steps), { maxLength: 12 }), (seq) => {
        const t = new FunctionTable();
        t.propose(sla("s"), offer, 0);
        for (const [i, step] of seq.entries()) {
          const before = t.require("s").state;
          const ok = allowed[step]!.includes(before);
          if (ok) expect(t[step]("s", i).state).not.toBe(before);
          else expect(protocolErrorOf(() => t[step]("s", i)).status).toBe(409);
        }
      }),
    );
  });
});
