/**
 * The fake's routes (grid5000.md §6.2): reference listings, jobs, deployments and storage access, each answering
 * the app's shapes and status codes. Handlers get the caller's identity from the server's auth layer.
 */
import type { JsonRequest } from "../../../../runtime/http/server.ts";
import { requireIdentity } from "./auth.ts";
import type { DeploymentStore } from "./deployments.ts";
import { clusterJson, nodeJson, siteJson, type FakeSite } from "./fixtures.ts";
import { FakeHttpError } from "./http-error.ts";
import { jobJson } from "./job-json.ts";
import type { JobStore } from "./jobs.ts";
import { collection, json, type FakeRoute } from "./respond.ts";
import { storageRoutes, type StorageRule } from "./storage-routes.ts";

export type { StorageRule };

export function fakeRoutes(
  site: FakeSite,
  jobs: JobStore,
  deployments: DeploymentStore,
  storage: Map<string, StorageRule>,
): FakeRoute[] {
  const S = "/stable/sites/:site";
  const checkSite = (req: JsonRequest) => {
    if (req.params["site"] !== site.uid)
      throw new FakeHttpError(404, `Couldn't find site with uid=${req.params["site"]}`);
  };
  const cluster = (req: JsonRequest) => {
    checkSite(req);
    const c = site.clusters.find((c) => c.uid === req.params["cluster"]);
    if (c === undefined) throw new FakeHttpError(404, `Couldn't find cluster with uid=${req.params["cluster"]}`);
    return c;
  };
  const cores = (host: string) => site.clusters.find((c) => host.startsWith(`${c.uid}-`))?.nbCores ?? 1;
  const job = (uid: string | undefined) => jobs.get(Number(uid));
  return [
    { method: "GET", path: "/stable/sites", handler: () => json(collection([siteJson(site)])) },
    { method: "GET", path: S, handler: (req) => (checkSite(req), json(siteJson(site))) },
    {
      method: "GET",
      path: `${S}/clusters`,
      handler: (req) => (checkSite(req), json(collection(site.clusters.map((c) => clusterJson(site, c))))),
    },
    { method: "GET", path: `${S}/clusters/:cluster`, handler: (req) => json(clusterJson(site, cluster(req))) },
    {
      method: "GET",
      path: `${S}/clusters/:cluster/nodes`,
      handler: (req) => {
        const c = cluster(req);
        return json(collection(Array.from({ length: c.nodes }, (_, i) => nodeJson(site, c, i + 1))));
      },
    },
    {
      method: "GET",
      path: `${S}/jobs`,
      handler: (req) => {
        checkSite(req);
        const q = req.query;
        const states = q.get("state")?.split(",");
        const items = [...jobs.jobs.values()]
          .filter((j) => (q.get("user") ?? j.user) === j.user && (q.get("name") ?? j.name) === j.name)
          .filter((j) => (q.get("queue") ?? j.queue) === j.queue && (q.get("project") ?? j.project) === j.project)
          .filter((j) => states === undefined || states.includes(j.state))
          .sort((a, b) => b.uid - a.uid);
        const offset = Number(q.get("offset") ?? "0");
        const limit = Math.min(Number(q.get("limit") ?? "50"), 500);
        const page = items
          .slice(offset, offset + limit)
          .map((j) => jobJson(site, j, q.get("resources") === "yes", cores));
        return json(collection(page, offset, items.length));
      },
    },
    {
      method: "POST",
      path: `${S}/jobs`,
      handler: (req, user, nowS) => {
        checkSite(req);
        const created = jobs.submit(requireIdentity(user), req.body, nowS);
        const location = `/stable/sites/${site.uid}/jobs/${created.uid}`;
        return json(jobJson(site, created, true, cores), 201, { location });
      },
    },
    {
      method: "GET",
      path: `${S}/jobs/:uid`,
      handler: (req) => (checkSite(req), json(jobJson(site, job(req.params["uid"]), true, cores))),
    },
    {
      method: "DELETE",
      path: `${S}/jobs/:uid`,
      handler: (req, user, nowS) => {
        checkSite(req);
        jobs.delete(requireIdentity(user), Number(req.params["uid"]), nowS);
        const location = `/stable/sites/${site.uid}/jobs/${req.params["uid"]}`;
        return {
          status: 202,
          headers: { location, "x-oar-info": `Deleting the job = ${req.params["uid"]} ...REGISTERED.` },
        };
      },
    },
    {
      method: "GET",
      path: `${S}/deployments`,
      handler: (req) => {
        checkSite(req);
        const q = req.query;
        const items = [...deployments.deployments.values()]
          .filter((d) => (q.get("user") ?? d.user) === d.user && (q.get("status") ?? d.status) === d.status)
          .reverse();
        return json(collection(items.map((d) => deployments.json(d))));
      },
    },
    {
      method: "POST",
      path: `${S}/deployments`,
      handler: (req, user, nowS) => {
        checkSite(req);
        const d = deployments.submit(requireIdentity(user), req.body, nowS);
        return json(deployments.json(d), 201, { location: `/stable/sites/${site.uid}/deployments/${d.uid}` });
      },
    },
    {
      method: "GET",
      path: `${S}/deployments/:uid`,
      handler: (req) => (checkSite(req), json(deployments.json(deployments.get(req.params["uid"]!)))),
    },
    {
      method: "DELETE",
      path: `${S}/deployments/:uid`,
      handler: (req, user, nowS) => {
        checkSite(req);
        deployments.cancel(requireIdentity(user), req.params["uid"]!, nowS);
        return { status: 202, headers: { location: `/stable/sites/${site.uid}/deployments/${req.params["uid"]}` } };
      },
    },
    ...storageRoutes(S, site, jobs, storage, checkSite),
  ];
}
