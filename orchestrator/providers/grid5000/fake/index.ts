/** A FAKE Grid'5000 API for tests (grid5000.md §6.2); see ../README.md, section "Fake API". */
export type { LoopbackMap } from "./addresses.ts";
export type { AdmissionOptions } from "./admission.ts";
export type { FakeAuth } from "./auth.ts";
export { DEFAULT_START_MS, VirtualClock } from "./clock.ts";
export { Faults, type BurstFault, type RouteMatch } from "./faults.ts";
export { DEFAULT_SITES, NANCY, RENNES, type FakeCluster, type FakeSite } from "./fixtures.ts";
export type { FakeEvent, FakeJob, FakeJobState } from "./job-json.ts";
export { DEFAULT_TIMING, type FakeTiming } from "./jobs.ts";
export type { SiteState } from "./site-state.ts";
export {
  DEFAULT_FAKE_AUTH,
  startFakeGrid5000,
  type FakeGrid5000,
  type FakeGrid5000Options,
  type LoggedRequest,
} from "./server.ts";
export { expectGolden } from "./golden.ts";
