/**
 * The fake's NFS home access rules (grid5000.md §1.5), per site: only the owner of a home may open it, to a job of
 * theirs on that site; GET returns the rules keyed by id, as the real API does.
 */
import type { JsonRequest } from "../../../../runtime/http/server.ts";
import { requireIdentity } from "./auth.ts";
import { FakeHttpError, NOT_AUTHORIZED } from "./http-error.ts";
import { json, type FakeRoute } from "./respond.ts";
import type { SiteState } from "./site-state.ts";

export interface StorageRule {
  ipv4: string[];
  termination: { job: number; site: string };
  nfs_address: string;
}

export function storageRoutes(S: string, stateOf: (req: JsonRequest) => SiteState): FakeRoute[] {
  const owner = (req: JsonRequest, user: string | undefined) => {
    const state = stateOf(req);
    if (requireIdentity(user) !== req.params["login"]) throw new FakeHttpError(403, NOT_AUTHORIZED);
    return state;
  };
  const rulesOf = (storage: Map<string, StorageRule>, login: string) =>
    Object.fromEntries(
      [...storage].filter(([id]) => id.startsWith(`${login}/`)).map(([id, r]) => [id.split("/")[1], r]),
    );
  const path = `${S}/storage/home/:login/access`;
  return [
    {
      method: "GET",
      path,
      handler: (req, user) => json(rulesOf(owner(req, user).storage, req.params["login"]!)),
    },
    {
      method: "POST",
      path,
      handler: (req, user) => {
        const { site, jobs, storage } = owner(req, user);
        const b = (req.body ?? {}) as { ipv4?: unknown; termination?: { job?: unknown; site?: unknown } };
        const ips = b.ipv4;
        if (
          !Array.isArray(ips) ||
          ips.length === 0 ||
          !ips.every((ip) => typeof ip === "string" && /^\d+\.\d+\.\d+\.\d+$/.test(ip))
        ) {
          throw new FakeHttpError(400, "`ipv4` must be a non-empty list of IPv4 addresses.");
        }
        const uid = Number(b.termination?.job);
        const target = jobs.jobs.get(uid);
        if (target === undefined || b.termination?.site !== site.uid || target.user !== user) {
          throw new FakeHttpError(400, "`termination` must name a job of yours on this site: {job, site}.");
        }
        const id = `${req.params["login"]}/${storage.size + 1}`;
        storage.set(id, {
          ipv4: ips as string[],
          termination: { job: uid, site: site.uid },
          nfs_address: `nfs.${site.uid}.grid5000.fr`,
        });
        return json(rulesOf(storage, req.params["login"]!), 201);
      },
    },
  ];
}
