/**
 * The provider registry: a dry run plans through the provider's own `plan()` with the campaign's settings (the
 * bodies it would send), an infeasible size is still planned and says why, planning never reads credentials while
 * running does, and an unknown name lists the registered providers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../runtime/protocol/errors.ts";
import { generateTopology } from "../plan/topology/index.ts";
import { grid5000Provider } from "./grid5000/provider/provider.ts";
import { grid5000Settings } from "./grid5000/provider/settings.ts";
import { selectProvider, type ProviderSettingsInput } from "./index.ts";
import type { DeploymentSpec } from "./types.ts";

const home = mkdtempSync(join(tmpdir(), "giraff-registry-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const SHA = "a".repeat(64);
const small = generateTopology({ preset: "current", sizeMultiplier: 1, seed: "golden" });
// 61 hosts: more than ecotype's 48
const large = generateTopology({ preset: "current", sizeMultiplier: 3, seed: "golden" });
const spec = (topology = small): DeploymentSpec => ({
  campaign: "registry",
  topologyKey: "0123456789abcdef",
  topology,
  stateDir: "",
  walltimeS: 3600,
});

function input(campaignEnv: Record<string, string>, environment: Record<string, string> = {}) {
  const lines: string[] = [];
  const value: ProviderSettingsInput = {
    campaign: "registry",
    campaignEnv,
    environment: { HOME: home, ...environment },
    deployment: { cluster: "ecotype", walltimeS: 3600, doNotExecuteIfEndingAfter: null, allowDayJobs: false },
    log: (line) => lines.push(line),
  };
  return { value, lines };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => err,
  );

describe("PROVIDERS.grid5000", () => {
  const env = { G5K_PROJECT: "giraff", G5K_RESERVATION: "2026-12-24 19:00:00", G5K_USER: "alice" };

  it("plans with the provider's own plan() and the campaign's G5K_ settings: the bodies it would send", async () => {
    const provider = await selectProvider("grid5000", input(env).value);
    const planned = await provider.plan(spec());
    const settings = grid5000Settings({ ...env, G5K_IMAGE_SHA256: SHA }, "ecotype", {
      auth: { mode: "basic", username: "alice", password: "unused" },
      source: "the test",
      warnings: [],
    });
    const guard = { policy: null, anchorMs: 0 };
    const own = await grid5000Provider({ settings, run: "x", guard }, {} as never).plan(spec());
    expect(planned.requests).toEqual(own.requests);
    expect(planned.requests[0]!.body).toMatchObject({
      name: "giraff-ts-registry-0123456789abcdef",
      project: "giraff",
      reservation: "2026-12-24 19:00:00",
    });
    expect(planned.problems).toEqual([]);
    expect(planned.summary.at(-1)).toMatch(/^Usage policy: if reserved at 2026-12-24 19:00:00, /);
  });

  it("still plans a size the cluster cannot hold, saying why", async () => {
    const provider = await selectProvider("grid5000", input(env).value);
    const planned = await provider.plan(spec(large));
    expect(planned.problems).toEqual([expect.stringMatching(/^it needs 61 ecotype hosts and ecotype has 48 /)]);
    expect(planned.summary.some((l) => l.endsWith("INFEASIBLE."))).toBe(true);
    expect(planned.requests[0]!.body).toMatchObject({ resources: expect.stringContaining("/nodes=61+") });
  });

  it("reads no credentials to plan, and reads them once to run", async () => {
    const planning = input({});
    const provider = await selectProvider("grid5000", planning.value);
    await provider.plan(spec());
    const noLogin = await rejection(provider.create());
    expect(noLogin).toBeInstanceOf(ConfigError);
    expect((noLogin as ConfigError).field).toBe("G5K_PASSWORD");

    const running = input({ G5K_IMAGE_SHA256: SHA }, { G5K_USER: "alice", G5K_PASSWORD: "s3cret-registry" });
    await (await selectProvider("grid5000", running.value)).create();
    expect(running.lines).toEqual(["[grid5000] API login alice from the environment"]);
  });

  it("refuses a bad G5K_ setting already when planning, naming it", async () => {
    const err = await rejection(selectProvider("grid5000", input({ G5K_POLL_S: "0" }).value));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe("G5K_POLL_S");
  });
});

describe("PROVIDERS.local", () => {
  it("plans this machine: one host, nothing to refuse, no request", async () => {
    const planned = await (await selectProvider("local", input({}).value)).plan(spec());
    expect(planned).toMatchObject({ provider: "local", hosts: 1, problems: [], requests: [] });
    expect(planned.summary[0]).toMatch(/^local: \d+ fog nodes on this machine .*loopback 127\.30\.0\.0\/16/);
  });
});

describe("selectProvider", () => {
  it("refuses an unknown name, listing the registered providers", async () => {
    const err = await rejection(selectProvider("openstack", input({}).value));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Unknown provider "openstack"; the registered providers are:\n {2}local: /);
    expect((err as Error).message).toMatch(/\n {2}grid5000: /);
  });
});
