/**
 * `npm run report:serve -- <campaignDir>` exactly as the README writes it (the default port, no --port: the
 * hand-written parsing this replaced dropped the directory and printed the usage), on a campaign that has records
 * but no report yet: the live page and its data are served, and `/` sends the browser there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { runBatch } from "../orchestrator/batch/run-batch.ts";
import { quietEffects } from "../orchestrator/batch/effects.ts";
import { waitUntil } from "../runtime/testing/wait.ts";
import { NOTEBOOKS_DIR } from "./build.ts";
import { main } from "./serve.ts";
import { recordingIo } from "../runtime/util/cli.ts";
import { collectOutput } from "../runtime/testing/cli-process.ts";

const REPO = join(NOTEBOOKS_DIR, "..");
const scratch = mkdtempSync(join(tmpdir(), "giraff-serve-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("report:serve", () => {
  it("serves the live progress of a campaign without a report, from the README's command", async () => {
    const dir = join(scratch, "campaign");
    const jobs = ["a", "b"].map((key) => ({ key, params: { label: `x1-${key}` }, run: async () => {} }));
    await runBatch({ jobs, dir, effects: quietEffects });
    // its own process group: npm runs the script through sh and tsx, and a signal to npm alone would orphan the
    // server; execa signals only the process it started, so the stop below signals the group itself
    const child = execa("npm", ["run", "report:serve", "--", dir], {
      cwd: REPO,
      stdin: "ignore",
      detached: true,
      reject: false,
    });
    const { out, err } = collectOutput(child);
    try {
      const url = await waitUntil(
        "the live page's address",
        () => /(http:\/\/127\.0\.0\.1:\d+\/)live/.exec(out())?.[1],
        {
          timeoutMs: 30_000,
        },
      ).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${out()}\n${err()}`)));
      expect(url).toBe("http://127.0.0.1:8090/");
      expect(out()).toContain("No report is built yet");
      const progress = (await (await fetch(`${url}_live/progress.json`)).json()) as {
        total: number;
        counts: Record<string, number>;
        runs: { label: string }[];
      };
      expect(progress).toMatchObject({ total: 2, counts: { succeeded: 2, failed: 0 } });
      expect(progress.runs.map((r) => r.label)).toEqual(["x1-a", "x1-b"]);
      const home = await fetch(url, { redirect: "manual" });
      expect([home.status, home.headers.get("location")]).toEqual([302, "/live"]);
      expect(await (await fetch(`${url}live`)).text()).toContain("/_live/live.js");
      expect((await fetch(`${url}_live/run-states.js`)).headers.get("content-type")).toContain("javascript");
    } finally {
      process.kill(-child.pid!, "SIGTERM");
      await child;
      // the whole group is gone: the port is free again for whoever runs next
      await waitUntil(
        "port 8090 to be free",
        () =>
          fetch("http://127.0.0.1:8090/").then(
            () => false,
            () => true,
          ),
        {
          timeoutMs: 10_000,
        },
      );
    }
  });

  it("exits 2 with the usage for a bad port, a missing directory or two directories", async () => {
    for (const argv of [["--port", "http"], [], ["a", "b"], [join(scratch, "nope")]]) {
      const io = recordingIo();
      expect(await main(argv, io), argv.join(" ")).toBe(2);
      expect(io.stderr.join("\n")).toMatch(/--port must be|Expected one campaign directory|does not exist/);
    }
  });

  it("answers --help with every option", async () => {
    const io = recordingIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/--port <n>[\s\S]*--help/);
  });
});
