/** Secrets in a campaign's .env (Grid'5000 credentials, GIRAFF's InfluxDB token) never reach the resolved campaign. */
import { describe, expect, it } from "vitest";
import { tempCampaign } from "./testing/temp-campaign.ts";
import { expandRuns, loadCampaign } from "./index.ts";

describe("secrets in .env", () => {
  it("are not copied into the Campaign, its warnings or its runs", async () => {
    const { folder, cwd } = tempCampaign({
      ".env": [
        'STRATEGIES="auction"',
        'G5K_USER="alice"',
        'G5K_PASSWORD="correct-horse-battery-staple"',
        'INFLUX_TOKEN="c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtbGVhaw=="',
      ].join("\n"),
    });
    const campaign = await loadCampaign(folder, { cwd });
    const everything = JSON.stringify({ campaign, runs: expandRuns(campaign) });
    expect(everything).not.toContain("correct-horse-battery-staple");
    expect(everything).not.toContain("c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtbGVhaw==");
    // the variables are reported as ignored, by name only
    expect(campaign.warnings.map((w) => w.variable)).toEqual(expect.arrayContaining(["G5K_PASSWORD", "INFLUX_TOKEN"]));
  });
});
