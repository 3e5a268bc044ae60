/** The fake's own tests talk to it over HTTPS as any client would, trusting its throwaway CA. */
import { request } from "../../../../runtime/http/client.ts";
import { startFakeGrid5000, type FakeGrid5000, type FakeGrid5000Options } from "./server.ts";

export const BASIC = `Basic ${Buffer.from("alice:s3cret-Pa55").toString("base64")}`;
export const BODY = {
  name: "j",
  resources: "{cluster='gros'}/nodes=2+slash_22=1,walltime=1:00",
  command: "sleep 31536000",
  types: ["deploy"],
};

export async function withServer(run: (fake: FakeGrid5000) => Promise<void>, opts: FakeGrid5000Options = {}) {
  const fake = await startFakeGrid5000(opts);
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

export async function call(
  fake: FakeGrid5000,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: BASIC },
) {
  const res = await request(fake.baseUrl + path, { method, headers, body, timeoutMs: 10_000, ca: fake.ca });
  const text = res.text();
  const header = (name: string) => [res.headers[name] ?? []].flat()[0] ?? null;
  return {
    status: res.status,
    headers: { get: header },
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** The event types of a job as the API shows them. */
export const eventTypes = (job: Record<string, unknown>) => (job["events"] as { type: string }[]).map((e) => e.type);
