import { describe, expect, it } from "vitest";
import { isVmError } from "./errors.ts";
import { FakeExec } from "./testing/fake-exec.ts";
import { BOOT_ID_COMMAND, REBOOT_COMMAND, resetVm, resetVms } from "./reset.ts";
import { virtualClock } from "./testing/small-plan.ts";

const OLD = "0d1f9a6e-6c3b-4c1e-9d55-8f2a3b4c5d6e";
const NEW = "7a2b3c4d-1111-4222-8333-944455566677";
const VM = "10.144.4.2";

/** Answers boot-id reads from `answers` in turn (an Error = the VM is unreachable), then repeats the last one. */
function bootIds(...answers: (string | Error)[]): FakeExec {
  let reads = 0;
  return new FakeExec().on(/boot_id/, () => {
    const a = answers[Math.min(reads++, answers.length - 1)]!;
    return a instanceof Error ? a : { stdoutTail: `${a}\n` };
  });
}

describe("resetVm", () => {
  it("reads the boot id, reboots, and is done once the boot id changed", async () => {
    const fake = bootIds(OLD, NEW);
    const result = await resetVm(fake, VM, { clock: virtualClock(), pollMs: 1000 });
    expect(result).toEqual({ vm: VM, before: OLD, after: NEW, waitedMs: 1000, polls: 1 });
    expect(fake.calls.map((c) => c.command)).toEqual([BOOT_ID_COMMAND, REBOOT_COMMAND, BOOT_ID_COMMAND]);
  });

  it("keeps waiting while the boot id is the same or the VM is unreachable", async () => {
    const down = new Error("10.144.4.2 is unreachable over SSH.");
    const fake = bootIds(OLD, OLD, down, down, "", NEW);
    const clock = virtualClock();
    const result = await resetVm(fake, VM, { clock, pollMs: 5000 });
    expect(result.polls).toBe(5);
    expect(result.waitedMs).toBe(25_000);
    expect(clock.slept).toEqual([5000, 5000, 5000, 5000, 5000]);
  });

  it("fails with a reset-timeout VmError when the boot id never changes", async () => {
    const fake = bootIds(OLD);
    const err = await resetVm(fake, VM, { clock: virtualClock(), pollMs: 5000, timeoutMs: 20_000 }).catch((e) => e);
    expect(isVmError(err) && err.reason).toBe("reset-timeout");
    expect((err as Error).message).toBe(
      `${VM} did not come back with a new boot id within 20000 ms (4 reads; last: still ${OLD}).`,
    );
  });

  it("fails at once when the boot id cannot be read before rebooting", async () => {
    const fake = new FakeExec().on(/boot_id/, { exitCode: 1, stderrTail: "cat: no such file" });
    await expect(resetVm(fake, VM, { clock: virtualClock() })).rejects.toThrow(/Could not read the boot id/);
    expect(fake.matching(/reboot/)).toEqual([]);
  });
});

describe("resetVms", () => {
  it("resets every VM and names the ones that did not come back", async () => {
    const reads = new Map<string, number>();
    const fake = new FakeExec().on(/boot_id/, ({ host }) => {
      const n = reads.get(host) ?? 0;
      reads.set(host, n + 1);
      return { stdoutTail: host === "10.144.4.3" || n === 0 ? OLD : NEW };
    });
    const err = await resetVms(fake, ["10.144.4.2", "10.144.4.3"], {
      clock: virtualClock(),
      pollMs: 1000,
      timeoutMs: 3000,
    }).catch((e) => e);
    expect(isVmError(err) && err.reason).toBe("reset-failed");
    expect((err as Error).message).toMatch(/^1 of 2 VMs were not reset: 10\.144\.4\.3 did not come back/);
  });
});
