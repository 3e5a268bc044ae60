/** The topology CLI as a user runs it: a real process and its exit status. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execaNode } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../../runtime/util/cli.ts";
import { main } from "./cli.ts";
import { generateTopology } from "./generate.ts";
import { loadTopology } from "./save.ts";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "giraff-topology-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await execaNode(CLI, args, {
    nodeOptions: ["--import", "tsx"],
    ipc: false,
    stdin: "ignore",
    stripFinalNewline: false,
    reject: false,
  });
  return { code: exitCode ?? null, stdout, stderr };
}

describe("topology CLI", () => {
  it("writes the topology and prints a summary", async () => {
    const out = join(scratch, "t.json");
    const r = await run(["--preset", "current", "--size-multiplier", "1", "--seed", "42", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const t = loadTopology(out);
    expect(t).toEqual(generateTopology({ preset: "current", sizeMultiplier: 1, seed: 42 }));
    expect(r.stdout).toMatch(
      new RegExp(`^current-sm1-seed42: ${t.nodes.length} nodes, ${t.nodes.length - 1} fog nodes`),
    );
    expect(r.stdout).toMatch(/nodes per level: 0: 1, 1: \d, 2: \d, 3: \d, 4: \d+/);
    expect(r.stdout).toMatch(/IoT-connected: \d+/);
    expect(r.stdout).toMatch(/hosts on gros: \d+ \(\d+ for the VMs \+ 1 for the IoT emulator\)/);
  });

  it("exits 2 with a sentence naming the option for bad options", async () => {
    const cases: [string[], RegExp][] = [
      [["--preset", "nope"], /--preset/],
      [["--size-multiplier", "x"], /--size-multiplier/],
      [["--size-multiplier", "1.5"], /--size-multiplier to be a positive integer/],
      [["--preset", "paper", "--size-multiplier", "0.5"], /--size-multiplier to give level 2/],
      [["--min-nodes", "-3"], /--min-nodes/],
      [["--max-hosts", "0"], /--max-hosts/],
      [["--attempts", "0"], /--attempts/],
      [["--cluster", "dahu"], /--cluster/],
      [["--max-hosts", "9", "--cluster", "parasilo"], /--cluster: .*does not fit a parasilo host/],
    ];
    for (const [args, message] of cases) {
      const io = recordingIo();
      const code = await main(args, io);
      expect(code, args.join(" ")).toBe(2);
      expect(io.stderr.join("\n")).toMatch(message);
    }
    // and once as a process, for the exit status itself
    const r = await run(["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--bogus/);
  });

  it("exits 122 for too few fog nodes and 123 for too many hosts", async () => {
    const [few, many] = await Promise.all([
      run(["--seed", "3", "--min-nodes", "10000"]),
      run(["--seed", "3", "--max-hosts", "2", "--attempts", "2"]),
    ]);
    expect(few.code).toBe(122);
    expect(few.stderr).toMatch(/fewer than the minimum 10000/);
    expect(many.code).toBe(123);
    expect(many.stderr).toMatch(/seeds 3, 3#2/);
  });
});
