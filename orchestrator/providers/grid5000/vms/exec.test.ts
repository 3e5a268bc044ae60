import { describe, expect, expectTypeOf, it } from "vitest";
import { RemoteCommandError, type SshTransport } from "../transport/index.ts";
import { execOverTransport, type ExecTransport } from "./exec.ts";

const failing = (fields: Partial<ConstructorParameters<typeof RemoteCommandError>[0]>): ExecTransport => ({
  exec: async (host, command) => {
    throw new RemoteCommandError({ host: String(host), command, durationMs: 3, ...fields });
  },
});

describe("execOverTransport", () => {
  it("accepts SshTransport", () => {
    expectTypeOf<SshTransport>().toExtend<ExecTransport>();
  });

  it("turns a non-zero exit into an answer, keeping the output tails", async () => {
    const exec = execOverTransport(failing({ exitCode: 1, stderrTail: "error: failed to get domain 'a'" }));
    expect(await exec.exec("gros-1", "virsh domstate a")).toEqual({
      exitCode: 1,
      stdoutTail: "",
      stderrTail: "error: failed to get domain 'a'",
    });
  });

  it("still throws when there is no exit code to answer with (unreachable, timed out)", async () => {
    await expect(execOverTransport(failing({ isUnreachable: true })).exec("vm", "true")).rejects.toThrow(/unreachable/);
    const timedOut = failing({ exitCode: 137, timedOut: true, timeoutMs: 10 });
    await expect(execOverTransport(timedOut).exec("vm", "sleep 9")).rejects.toThrow(/timed out after 10 ms/);
  });
});
