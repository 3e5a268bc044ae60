/**
 * Test support: an {@link SshTransport} that logs in to a test sshd with the sshd's client key, quietly unless the
 * test passes a logger. The other options are the test's own (a jump host, keep-alives, a time limit).
 */
import type { SshTransportOptions } from "../options.ts";
import { quietLogger } from "../effects.ts";
import { SshTransport } from "../transport.ts";
import type { Sshd } from "./sshd.ts";

export function transportTo(sshd: Pick<Sshd, "clientKeyPath">, opts: Partial<SshTransportOptions> = {}) {
  return SshTransport.create({
    credentials: { privateKeyPath: sshd.clientKeyPath },
    ...opts,
    effects: { logger: quietLogger, ...opts.effects },
  });
}
