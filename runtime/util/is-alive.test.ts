import { execa, execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { isAlive } from "./is-alive.ts";

const NOBODY = 65534;

describe("isAlive", () => {
  it("is true for a running process and false once it has exited and been reaped", async () => {
    const child = execa(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore", reject: false });
    const pid = child.pid!;
    expect(isAlive(pid)).toBe(true);
    child.kill("SIGKILL");
    await child; // settles after node's "exit", and node reaps the child before emitting it
    expect(isAlive(pid)).toBe(false);
  });

  it("counts a process of another user as alive (the probe fails with EPERM)", () => {
    // pid 1 belongs to root: an unprivileged caller gets EPERM. As root, ask from a child running as nobody.
    if (process.getuid?.() !== 0) {
      expect(isAlive(1)).toBe(true);
      return;
    }
    const probe = `import("./runtime/util/is-alive.ts").then((m) => console.log(m.isAlive(1)))`;
    const result = execaSync(process.execPath, ["--import", "tsx", "-e", probe], {
      cwd: new URL("../..", import.meta.url),
      uid: NOBODY,
      gid: NOBODY,
      env: { HOME: "/tmp" },
      reject: false,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("true");
  });
});
