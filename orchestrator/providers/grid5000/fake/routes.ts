/**
 * The fake's routes (grid5000.md §6.2): reference listings, jobs, deployments and storage access, each answering
 * the app's shapes and status codes. Every path under `/sites/{site}` reaches that site's own state: a job of one
 * site is unknown to another, as each site runs its own OAR. Handlers get the caller's identity from the server's
 * auth layer.
 */
import type { JsonRequest } from "../../../../runtime/http/server.ts";
import { requireIdentity } from "./auth.ts";
import { clusterJson, nodeJson, siteJson } from "./fixtures.ts";
import { FakeHttpError } from "./http-error.ts";
import { jobJson } from "./job-json.ts";
import { collection, json, type FakeRoute } from "./respond.ts";
import type { SiteState } from "./site-state.ts";
import { storageRoutes, type StorageRule } from "./storage-routes.ts";

export type { StorageRule };

export function fakeRoutes(sites: ReadonlyMap<string, SiteState>): FakeRoute[] {
  const S = "/stable/sites/:site";
  const stateOf = (req: JsonRequest): SiteState => {
    const state = sites.get(req.params["site"] ?? "");
    if (state === undefined) throw new FakeHttpError(404, `Couldn't find site with uid=${req.params["site"]}`);
    return state;
  };
  const cluster = (req: JsonRequest) => {
    const { site } = stateOf(req);
    const c = site.clusters.find((c) => c.uid === req.params["cluster"]);
    if (c === undefined) throw new FakeHttpError(404, `Couldn't find cluster with uid=${req.params["cluster"]}`);
    return { site, c };
  };
  const coresOf =
    ({ site }: SiteState) =>
    (host: string) =>
      site.clusters.find((c) => host.startsWith(`${c.uid}-`))?.nbCores ?? 1;
  return [
    {
      method: "GET",
      path: "/stable/sites",
      handler: () => json(collection([...sites.values()].map((s) => siteJson(s.site)))),
    },
    { method: "GET", path: S, handler: (req) => json(siteJson(stateOf(req).site)) },
    {
      method: "GET",
      path: `${S}/clusters`,
      handler: (req) => {
        const { site } = stateOf(req);
        return json(collection(site.clusters.map((c) => clusterJson(site, c))));
      },
    },
    {
      method: "GET",
      path: `${S}/clusters/:cluster`,
      handler: (req) => {
        const { site, c } = cluster(req);
        return json(clusterJson(site, c));
      },
    },
    {
      method: "GET",
      path: `${S}/clusters/:cluster/nodes`,
      handler: (req) => {
        const { site, c } = cluster(req);
        return json(collection(Array.from({ length: c.nodes }, (_, i) => nodeJson(site, c, i + 1))));
      },
    },
    {
      method: "GET",
      path: `${S}/jobs`,
      handler: (req) => {
        const state = stateOf(req);
        const q = req.query;
        const states = q.get("state")?.split(",");
        const items = [...state.jobs.jobs.values()]
          .filter((j) => (q.get("user") ?? j.user) === j.user && (q.get("name") ?? j.name) === j.name)
          .filter((j) => (q.get("queue") ?? j.queue) === j.queue && (q.get("project") ?? j.project) === j.project)
          .filter((j) => states === undefined || states.includes(j.state))
          .sort((a, b) => b.uid - a.uid);
        const offset = Number(q.get("offset") ?? "0");
        const limit = Math.min(Number(q.get("limit") ?? "50"), 500);
        const page = items
          .slice(offset, offset + limit)
          .map((j) => jobJson(state.site, j, q.get("resources") === "yes", coresOf(state)));
        return json(collection(page, offset, items.length));
      },
    },
    {
      method: "POST",
      path: `${S}/jobs`,
      handler: (req, user, nowS) => {
        const state = stateOf(req);
        const created = state.jobs.submit(requireIdentity(user), req.body, nowS);
        const location = `/stable/sites/${state.site.uid}/jobs/${created.uid}`;
        return json(jobJson(state.site, created, true, coresOf(state)), 201, { location });
      },
    },
    {
      method: "GET",
      path: `${S}/jobs/:uid`,
      handler: (req) => {
        const state = stateOf(req);
        return json(jobJson(state.site, state.jobs.get(Number(req.params["uid"])), true, coresOf(state)));
      },
    },
    {
      method: "DELETE",
      path: `${S}/jobs/:uid`,
      handler: (req, user, nowS) => {
        const { site, jobs } = stateOf(req);
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
        const { deployments } = stateOf(req);
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
        const { site, deployments } = stateOf(req);
        const d = deployments.submit(requireIdentity(user), req.body, nowS);
        return json(deployments.json(d), 201, { location: `/stable/sites/${site.uid}/deployments/${d.uid}` });
      },
    },
    {
      method: "GET",
      path: `${S}/deployments/:uid`,
      handler: (req) => {
        const { deployments } = stateOf(req);
        return json(deployments.json(deployments.get(req.params["uid"]!)));
      },
    },
    {
      method: "DELETE",
      path: `${S}/deployments/:uid`,
      handler: (req, user, nowS) => {
        const { site, deployments } = stateOf(req);
        deployments.cancel(requireIdentity(user), req.params["uid"]!, nowS);
        return { status: 202, headers: { location: `/stable/sites/${site.uid}/deployments/${req.params["uid"]}` } };
      },
    },
    ...storageRoutes(S, stateOf),
  ];
}
