/** One site of the fake: its reference data, its OAR (jobs), its kadeploy and its NFS access rules. */
import type { DeploymentStore } from "./deployments.ts";
import type { FakeSite } from "./fixtures.ts";
import type { JobStore } from "./jobs.ts";
import type { StorageRule } from "./storage-routes.ts";

export interface SiteState {
  site: FakeSite;
  jobs: JobStore;
  deployments: DeploymentStore;
  storage: Map<string, StorageRule>;
}
