/**
 * Collection waits for the IoT sources against a fake emulator (named so: its `/api/jobs` answers are scripted):
 * it returns only once no job is waiting or running and none has a request in flight, and gives up at its
 * deadline with the number of jobs still busy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer } from "../../plan/workload/testing/fake-servers.ts";
import { waitForIotSources } from "./iot-drain.ts";

let jobs: { state: string; inFlight: number }[][] = [];
let polls = 0;
let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeServer("127.122.0.2", (req) => {
    if (req.path !== "/api/jobs") return { status: 404 };
    const answer = jobs[Math.min(polls, jobs.length - 1)]!;
    polls++;
    return { status: 200, json: { jobs: answer } };
  });
});
afterAll(() => fake?.close());

describe("waitForIotSources", () => {
  it("waits while a job sends or still has a request in flight", async () => {
    polls = 0;
    jobs = [
      [
        { state: "running", inFlight: 1 },
        { state: "done", inFlight: 0 },
      ],
      [
        { state: "done", inFlight: 2 },
        { state: "done", inFlight: 0 },
      ],
      [
        { state: "waiting", inFlight: 0 },
        { state: "done", inFlight: 0 },
      ],
      [
        { state: "done", inFlight: 0 },
        { state: "stopped", inFlight: 0 },
      ],
    ];
    const result = await waitForIotSources(fake.url, { timeoutMs: 60_000, pollMs: 1 });
    expect(result).toMatchObject({ quiet: true, busyJobs: 0 });
    expect(polls).toBe(4);
  });

  it("gives up at its deadline and says how many jobs were still busy", async () => {
    polls = 0;
    jobs = [
      [
        { state: "running", inFlight: 0 },
        { state: "done", inFlight: 3 },
        { state: "done", inFlight: 0 },
      ],
    ];
    const result = await waitForIotSources(fake.url, { timeoutMs: 20, pollMs: 5 });
    expect(result).toMatchObject({ quiet: false, busyJobs: 2 });
    expect(polls).toBeGreaterThan(1);
  });

  it("has nothing to wait for without an IoT emulator", async () => {
    expect(await waitForIotSources("", { timeoutMs: 1 })).toEqual({ quiet: true, waitedMs: 0, busyJobs: 0 });
  });
});
