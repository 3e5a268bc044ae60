/**
 * A campaign killed with SIGKILL at many moments, then resumed, must end with every run finished and logged exactly
 * once: one joblog line per Seq, one final record per run key, one complete run directory per key, nothing else.
 * The batch runs in a child process (the CLI) so that the kill is a real `kill -9`.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execaNode } from "execa";
import { describe, expect, it } from "vitest";
import { waitUntil } from "../../runtime/testing/wait.ts";
import { readManifest } from "./manifest.ts";
import { CLI, fixture, listDir, readCampaign, tempCampaign } from "./testing/helpers.ts";

const N = 10;
const KEYS = Array.from({ length: N }, (_, i) => `job-${String(i + 1).padStart(2, "0")}`);

function startCli(
  dir: string,
  mode: string,
): { exited: Promise<{ code: number | null; signal: string | null; stderr: string }>; kill(): void } {
  const args = ["--dir", dir, "--mode", mode, "--jobs", String(N), "--concurrency", "2"];
  const child = execaNode(CLI, [...args, "--", "node", fixture("work.mjs"), "{key}", "150"], {
    nodeOptions: ["--import", "tsx"],
    ipc: false,
    stdin: "ignore",
    stdout: "ignore",
    env: { MARKS: join(dir, "..", `${dir.split("/").pop()}.marks`) },
    reject: false,
  });
  const exited = child.then((r) => ({ code: r.exitCode ?? null, signal: r.signal ?? null, stderr: r.stderr }));
  return { exited, kill: () => child.kill("SIGKILL") };
}

async function joblogLines(dir: string): Promise<number | false> {
  const text = await readFile(join(dir, "joblog"), "utf8").catch(() => "");
  return text.startsWith("Seq\t") ? text.split("\n").length - 2 : false;
}

async function expectIntact(dir: string): Promise<void> {
  const { joblog, records, warnings } = await readCampaign(dir);
  expect(warnings).toEqual([]);
  expect((await readFile(join(dir, "joblog"), "utf8")).endsWith("\n")).toBe(true);
  expect(joblog.map((e) => e.seq).sort((a, b) => a - b)).toEqual(KEYS.map((_, i) => i + 1));
  expect(
    joblog.every(
      (e) => e.exit === 0 && e.signal === 0 && e.command === `node ${fixture("work.mjs")} ${KEYS[e.seq - 1]} 150`,
    ),
  ).toBe(true);
  const finals = records.filter((r) => r.final);
  expect(finals.map((r) => r.runKey).sort()).toEqual(KEYS);
  expect(finals.every((r) => r.exit === 0 && !r.cancelled)).toBe(true);
  expect(await listDir(dir)).toEqual(["batch.json", "joblog", "logs", "runs.jsonl", ...KEYS].sort());
  for (const key of KEYS) {
    const manifest = await readManifest(join(dir, key));
    expect(manifest?.record).toEqual(finals.find((r) => r.runKey === key));
    expect(manifest?.checksums).toEqual({ "out.txt": createHash("sha256").update(`${key}\n`).digest("hex") });
  }
}

describe("SIGKILL then resume", () => {
  it.each(Array.from({ length: N + 1 }, (_, k) => k))(
    "killed after %i joblog line(s), the resume finishes every run once",
    async (k) => {
      const dir = await tempCampaign();
      const first = startCli(dir, "fresh");
      await waitUntil(`${k} joblog line(s)`, async () => {
        const lines = await joblogLines(dir);
        return lines !== false && lines >= k;
      });
      first.kill();
      await first.exited;
      const resumed = await startCli(dir, "resume").exited;
      expect(resumed).toMatchObject({ code: 0, signal: null });
      await expectIntact(dir);
    },
  );

  it("killed again and again during successive resumes, it still finishes every run once", async () => {
    const dir = await tempCampaign();
    let mode = "fresh";
    for (let rounds = 0; rounds < 3 * N; rounds++) {
      const before = (await joblogLines(dir)) || 0;
      if (before >= N) break;
      const cli = startCli(dir, mode);
      await Promise.race([
        cli.exited,
        waitUntil("one more joblog line", async () => ((await joblogLines(dir)) || 0) > before),
      ]);
      cli.kill();
      await cli.exited;
      mode = "resume";
    }
    expect(await startCli(dir, "resume").exited).toMatchObject({ code: 0 });
    await expectIntact(dir);
  });
});
