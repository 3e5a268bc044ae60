/**
 * Every time limit of the provider's steps, in one table with its unit and its reason. A campaign may override the
 * first four (`Grid5000ProviderOptions.timeouts`, the tests' shorter ones); the others are fixed.
 *
 * | Name | Value | Why |
 * | --- | --- | --- |
 * | `sshMs` | 900 000 ms (15 min) | a VM's first boot on Grid'5000: image staging on a busy NFS, then a cold boot |
 * | `readyMs` | 600 000 ms (10 min) | the runtime's ready files, then every node registered: K3s and OpenFaaS start |
 * | `resetMs` | 500 000 ms | one reboot, GIRAFF's `timeout 500` around each reboot step |
 * | `resetPollMs` | 5 000 ms | between boot-id reads while a VM reboots |
 * | `commandMs` | 120 000 ms | one runtime command on a VM (start, stop, clean, list): shell work, seconds at most |
 * | `readyCheckMs` | 60 000 ms | one readiness check on a VM |
 * | `readyPollMs` | 200 ms | between readiness checks: processes start in about a second |
 * | `registeredPollMs` | 250 ms | between reads of the market's listing |
 * | `httpMs` | 10 000 ms | one read of the market's listing through the tunnel |
 * | `hostCommandMs` | 1 800 000 ms (30 min) | one command on a host; the longest is staging, every host copying the image (GBs) from the one NFS server at once |
 * | `releaseStopMs` | 30 000 ms | stopping the runtime while releasing, which must not hold up the job's deletion |
 */
export interface Grid5000Timeouts {
  sshMs: number;
  readyMs: number;
  resetMs: number;
  resetPollMs: number;
  commandMs: number;
  readyCheckMs: number;
  readyPollMs: number;
  registeredPollMs: number;
  httpMs: number;
  hostCommandMs: number;
  releaseStopMs: number;
}

export const DEFAULT_TIMEOUTS: Grid5000Timeouts = {
  sshMs: 900_000,
  readyMs: 600_000,
  resetMs: 500_000,
  resetPollMs: 5_000,
  commandMs: 120_000,
  readyCheckMs: 60_000,
  readyPollMs: 200,
  registeredPollMs: 250,
  httpMs: 10_000,
  hostCommandMs: 1_800_000,
  releaseStopMs: 30_000,
};

/** The campaign-adjustable limits (the table's first four). */
export type Grid5000TimeoutOverrides = Partial<Pick<Grid5000Timeouts, "sshMs" | "readyMs" | "resetMs" | "resetPollMs">>;
