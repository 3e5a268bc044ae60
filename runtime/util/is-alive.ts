/**
 * Whether a process exists, by pid: signal 0 checks without signalling. EPERM means the process exists but belongs
 * to another user (a root-owned sshd seen from a test, a lock held by another account), so it counts as alive: a
 * lock must not be stolen from it, and a test must keep waiting for it. A zombie (exited, not yet reaped) is alive
 * to the kernel, hence here too.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
