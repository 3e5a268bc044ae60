/** The `npm run runtime` command as a user runs it: a real process, real signals, real exit codes. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { DEV_TOPOLOGY_PATH, getJson } from "../testing/fixtures.ts";
import { startCliProcess } from "../testing/cli-process.ts";
import { waitUntil } from "../testing/wait.ts";
import { isAlive } from "../util/is-alive.ts";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "giraff-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const runCli = (args: string[]) => startCliProcess(CLI, args);

const childrenOf = async (pid: number) => {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
};

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
}

describe("npm run runtime", () => {
  it("prints the market URL once the network is ready and stops everything on SIGTERM", async () => {
    const cli = runCli([
      "--topology",
      DEV_TOPOLOGY_PATH,
      "--strategy",
      "edge-first",
      "--subnet",
      "127.72",
      "--no-faas",
    ]);
    const url = await waitUntil("the market URL on stdout", () => /^(http:\/\/\S+)$/m.exec(cli.out())?.[1], {
      timeoutMs: 60_000,
    });
    const fog = await getJson(`${url}/api/fog`);
    expect(fog).toHaveLength(7);
    const workers = await childrenOf(cli.child.pid!);
    expect(workers.length).toBeGreaterThan(0);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.err()).toContain("Stopped.");
    // every child (node workers, and tsx's esbuild service) is gone soon after; zombies are reaped asynchronously
    await waitUntil("the CLI's children to exit", () => workers.every((pid) => !isAlive(pid) || isZombie(pid)), {
      timeoutMs: 10_000,
    });
    await expect(request(`${url}/api/health`, { timeoutMs: 2000 })).rejects.toThrow();
  });

  it.each([
    [["--topology", DEV_TOPOLOGY_PATH, "--strategy", "cheapest"], /`strategy`.*auction.*"cheapest"|strategy.*cheapest/],
    [["--topology", "/nonexistent/topology.json"], /Cannot read the topology file \/nonexistent\/topology.json/],
    [["--strategy", "auction"], /--topology is required/],
    [["--topology", DEV_TOPOLOGY_PATH, "--processes", "two"], /--processes.*"two"/],
    [["--topology", DEV_TOPOLOGY_PATH, "--subnet", "10.0"], /`subnet`.*"10.0"/],
    [["--topology", DEV_TOPOLOGY_PATH, "--frobnicate"], /Unknown option '--frobnicate'/],
  ])("exits 2 with a sentence for bad input %j", async (args, message) => {
    const cli = runCli(args);
    const { code } = await cli.exited;
    expect(code).toBe(2);
    expect(cli.err()).toMatch(message);
  });

  it("names the file and the field of a bad topology", async () => {
    const bad = join(scratch, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        name: "bad",
        nodes: [
          {
            id: "a",
            name: "a",
            level: 0,
            parent: null,
            link: null,
            flavor: { cores: 0, memMiB: 1, reservedCores: 1, reservedMemMiB: 1 },
          },
        ],
      }),
    );
    const cli = runCli(["--topology", bad]);
    expect((await cli.exited).code).toBe(2);
    expect(cli.err()).toContain(`In the topology file ${bad}: \`nodes.0.flavor.cores\` must be a positive number`);
  });
});
