/** The Grid'5000 SSH transport: see ../README.md, section "Transport". */
export { SshTransport } from "./transport.ts";
export type { SshTransportOptions, ExecAllOptions, TransferOptions } from "./options.ts";
export { RemoteCommandError, isRemoteCommandError, type RemoteCommandErrorFields } from "./errors.ts";
export { ExecAllResults, FanOutError, isFanOutError, type HostOutcome } from "./fan-out.ts";
export { defaultEffects, quietLogger } from "./effects.ts";
export { fingerprint, knownHostsFile, knownHostsKey } from "./host-keys.ts";
export type { WaitForSshOptions } from "./wait-for-ssh.ts";
export type { SyncDirOptions } from "./rsync.ts";
export type { Tunnel, TunnelOptions } from "./tunnel.ts";
export { KEEPALIVE_COUNT_MAX, KEEPALIVE_INTERVAL_MS, deadAfterMs, type Keepalive } from "./connect.ts";
export type * from "./types.ts";
