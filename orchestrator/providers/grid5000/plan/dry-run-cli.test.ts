/**
 * `--dry-run --provider grid5000` on experiments/giraff-europar through the real CLI (`npx zx run-campaign.mjs`):
 * per size, the hosts against gros's and the VMs against the subnets' addresses; size ×4 (126 hosts, nancy has
 * 124) is refused by name with exit 2, as every campaign that cannot run is, before anything is reserved; a real
 * run is refused the same way before it looks for credentials or writes anything.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCampaignCli } from "../../../campaign/run/testing/campaigns.ts";
import { CLUSTER_HOSTS } from "./capacity.ts";

const asOf = CLUSTER_HOSTS.gros.asOf;
const args = ["experiments/giraff-europar", "--dry-run", "--provider", "grid5000"];

describe("run-campaign.mjs --dry-run --provider grid5000 experiments/giraff-europar", () => {
  it("prints each size's capacity and refuses size ×4 by name with exit 2", async () => {
    const c = startCampaignCli(args);
    expect(await c.exited, c.err()).toBe(2);
    const lines = c.out().split("\n");
    expect(lines).toContain(
      `reserve: Capacity: 14 gros hosts of 124 (as of ${asOf}); 45 VMs in 1 /22 (1021 addresses): feasible.`,
    );
    expect(lines).toContain(
      `reserve: Capacity: 126 gros hosts of 124 (as of ${asOf}); 1758 VMs in 2 /22 (2042 addresses): INFEASIBLE.`,
    );
    expect(lines).toContain("reserve: OAR resources: {cluster='gros'}/nodes=126+slash_22=2,walltime=10:00:00");
    expect(lines.filter((l) => l.startsWith("reserve: Usage policy: if submitted now, "))).toHaveLength(2);
    expect(lines.some((l) => l.endsWith(": address 0 of /22 #2"))).toBe(true);
    expect(c.err().trim()).toBe(
      "Size ×4 of campaign giraff-europar is infeasible on Grid'5000: it needs 126 gros hosts and gros has 124 " +
        `(reference API, ${asOf}); a job cannot hold more hosts than its cluster has.`,
    );
  });

  it("a real run stops the same way before anything is reserved or written", async () => {
    const out = mkdtempSync(join(tmpdir(), "giraff-europar-"));
    rmSync(out, { recursive: true });
    const c = startCampaignCli(["experiments/giraff-europar", "--provider", "grid5000", "--out", out]);
    expect(await c.exited, c.err()).toBe(2);
    expect(c.err()).toContain("Size ×4 of campaign giraff-europar is infeasible on Grid'5000: it needs 126 gros hosts");
    // before credentials are even looked for, and nothing written
    expect(c.err()).not.toContain("G5K_PASSWORD");
    expect(existsSync(out)).toBe(false);
  });

  it("exits 0 with only size ×1", async () => {
    const c = startCampaignCli(args, {
      GIRAFF_SIZE_MULTIPLIERS: "1",
      GIRAFF_MIN_NUMBER_VMS: "3",
      GIRAFF_MAX_NUMBER_VMS: "15",
    });
    expect(await c.exited, c.err()).toBe(0);
    expect(c.out()).toContain("Dry run: nothing was started, reserved or written.\n");
  });
});
