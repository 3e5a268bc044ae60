/** A FAKE Grid'5000 API for tests (grid5000.md §6.2); see ../README.md, section "Fake API". */
export type { FakeAuth } from "./auth.ts";
export { DEFAULT_START_MS, VirtualClock } from "./clock.ts";
export { Faults, type BurstFault, type RouteMatch } from "./faults.ts";
export { NANCY, type FakeCluster, type FakeSite } from "./fixtures.ts";
export { DEFAULT_TIMING, type FakeTiming } from "./jobs.ts";
export {
  DEFAULT_FAKE_AUTH,
  startFakeGrid5000,
  type FakeGrid5000,
  type FakeGrid5000Options,
  type LoggedRequest,
} from "./server.ts";
export { expectGolden } from "./golden.ts";
