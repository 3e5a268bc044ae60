import { describe, expect, it } from "vitest";
import { deployEnvironment } from "./deployments.ts";
import { Grid5000Error } from "./errors.ts";
import { reserveJob } from "./reserve.ts";
import { grantHomeAccess, listStorageAccess } from "./storage.ts";
import { SUBMISSION, withFake, type Harness } from "./testing/with-fake.ts";

async function running(h: Harness, types: string[] = SUBMISSION.types) {
  const outcome = await reserveJob(h.client, "nancy", { ...SUBMISSION, types });
  if (outcome.dryRun) throw new Error("not a dry run");
  return outcome.lease;
}

describe("storage access", () => {
  it("lets the VMs' addresses mount the home until the job ends", () =>
    withFake(async (h) => {
      const lease = await running(h);
      await grantHomeAccess(h.client, { site: "nancy", jobUid: lease.jobUid, ipv4: ["10.144.0.2", "10.144.0.3"] });
      const post = h.fake.requests.find((r) => r.method === "POST" && r.path.endsWith("/access"));
      expect(post).toMatchObject({
        path: "/sites/nancy/storage/home/alice/access",
        body: { ipv4: ["10.144.0.2", "10.144.0.3"], termination: { job: lease.jobUid, site: "nancy" } },
      });
      const rules = await listStorageAccess(h.client, "nancy", "alice");
      expect(Object.values(rules)).toEqual([
        {
          ipv4: ["10.144.0.2", "10.144.0.3"],
          termination: { job: lease.jobUid, site: "nancy" },
          nfs_address: "nfs.nancy.grid5000.fr",
        },
      ]);
    }));

  it("after a 502 on a POST that took effect, reads the rules back instead of posting again", () =>
    withFake(async (h) => {
      const lease = await running(h);
      h.fake.faults.failNext({ method: "POST", path: /\/access$/, status: 502, afterEffect: true });
      await grantHomeAccess(h.client, { site: "nancy", jobUid: lease.jobUid, ipv4: ["10.144.0.2"] });
      expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/access"))).toHaveLength(1);
      expect(h.fake.storage.size).toBe(1);
    }));

  it("another user's home is not ours to open", () =>
    withFake(async (h) => {
      const lease = await running(h);
      const err = await grantHomeAccess(h.client, {
        site: "nancy",
        jobUid: lease.jobUid,
        ipv4: ["10.144.0.2"],
        login: "bob",
      }).catch((e: unknown) => e);
      Grid5000Error.assert(err, { reason: "forbidden" });
    }));
});

describe("kadeploy", () => {
  it("reports KO nodes one by one, and throws one error naming them", () =>
    withFake(async (h) => {
      const lease = await running(h, ["deploy", "origin=giraff-ts"]);
      h.fake.faults.koNodes(lease.nodes[1]!);
      const body = { nodes: lease.nodes, environment: "debian12-nfs", key: "ssh-ed25519 AAAA test" };
      const result = await deployEnvironment(h.client, "nancy", body, { continueOnError: true });
      expect(result.status).toBe("terminated");
      expect(result.nodes.map((n) => [n.host, n.state])).toEqual([
        [lease.nodes[0], "OK"],
        [lease.nodes[1], "KO"],
        [lease.nodes[2], "OK"],
      ]);
      expect(result.failed.map((n) => n.host)).toEqual([lease.nodes[1]]);
      const err = await deployEnvironment(h.client, "nancy", body).catch((e: unknown) => e);
      Grid5000Error.assert(err, {
        reason: "deployment-failed",
        message: /with 1 of 3 nodes failed: gros-2\.nancy\.grid5000\.fr/,
      });
      expect(err.failedHosts).toEqual([lease.nodes[1]]);
    }));

  it("refuses nodes outside a running deploy job", () =>
    withFake(async (h) => {
      const lease = await running(h);
      const err = await deployEnvironment(h.client, "nancy", { nodes: lease.nodes, environment: "debian12-nfs" }).catch(
        (e: unknown) => e,
      );
      Grid5000Error.assert(err, { reason: "bad-request", message: /no running deploy job of yours holds them/ });
    }));

  it("cancels the deployment when the signal aborts", () =>
    withFake(async (h) => {
      const lease = await running(h, ["deploy"]);
      const controller = new AbortController();
      h.effects.sleep = async (ms, signal) => {
        controller.abort(new Error("interrupted"));
        return h.fake.virtualTime.sleep(ms, signal);
      };
      const err = await deployEnvironment(
        h.client,
        "nancy",
        { nodes: lease.nodes, environment: "debian12-nfs" },
        { signal: controller.signal },
      ).catch((e: unknown) => e);
      Grid5000Error.assert(err, { reason: "cancelled" });
      expect([...h.fake.deployments.deployments.values()][0]?.status).toBe("canceled");
    }));
});
