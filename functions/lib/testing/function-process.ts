/**
 * Test helpers for functions as real processes on loopback (principle 12): start one with `PORT=0`, read its
 * `{"listening": port}` line, and check the parts of the function contract every function shares.
 */
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { execaNode } from "execa";
import { afterEach, expect, it } from "vitest";
import { request } from "../../../runtime/http/client.ts";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const running: FunctionChild[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A function process as execa started it: a promise of how it ended (never rejected), and the process. */
export type FunctionChild = ReturnType<typeof spawnFunction>;

export interface StartedFunction {
  url: string;
  child: FunctionChild;
}

/** What the gateway's function-process.ts does: node with the tsx loader, exactly this environment, output streamed. */
function spawnFunction(folder: string, env: Record<string, string>) {
  return execaNode(`functions/${folder}/index.ts`, [], {
    nodeOptions: ["--import", "tsx"],
    ipc: false,
    cwd: REPO_ROOT,
    env,
    extendEnv: false,
    stdin: "ignore",
    stderr: "inherit",
    buffer: false,
    reject: false,
  });
}

/** Starts `functions/<folder>/index.ts` as the embedded gateway would, and resolves once it reports its port. */
export async function startFunction(folder: string, env: Record<string, string> = {}): Promise<StartedFunction> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !["NAME", "ID", "PROXY_PORT", "SEED"].includes(k)),
  );
  const child = spawnFunction(folder, { ...base, ...env, PORT: "0", HOST: "127.0.0.1" });
  running.push(child);
  for await (const line of createInterface({ input: child.stdout })) {
    const { listening } = JSON.parse(line) as { listening: number };
    return { url: `http://127.0.0.1:${listening}`, child };
  }
  throw new Error(`functions/${folder} exited before listening`);
}

/** POSTs `body` to `url` with a generous timeout (the machine may be loaded). */
export function post(url: string, body?: unknown, headers: Record<string, string> = {}) {
  return request(url, { method: "POST", body, headers, timeoutMs: 30_000 });
}

/**
 * Registers the contract tests shared by every function: health and identity headers, `/reconfigure` validation and
 * the redirect headers, `malformed` bodies refused with a 4xx naming `field` while the function keeps serving, and a
 * clean exit on SIGTERM. `valid` is a request body the function processes with a 200.
 */
export function itHonoursTheContract(
  folder: string,
  cases: { valid: { body: unknown; headers?: Record<string, string> }; malformed: MalformedCase[] },
): void {
  it("answers /health and puts the GIRAFF headers on every response", async () => {
    const { url } = await startFunction(folder, { NAME: "fogfn-7", ID: "7" });
    const health = await request(`${url}/health`, { timeoutMs: 10_000 });
    expect(health.status).toBe(200);
    const done = await post(`${url}/`, cases.valid.body, cases.valid.headers);
    expect(done.status, done.text()).toBe(200);
    for (const answer of [health, done, await request(`${url}/nowhere`, { timeoutMs: 10_000 })]) {
      expect(answer.headers).toMatchObject({ "giraff-tags": "fogfn-7", "giraff-sla-id": "7" });
      expect(answer.headers["giraff-redirect"]).toBeUndefined();
    }
    const anonymous = await startFunction(folder);
    const placeholder = await request(`${anonymous.url}/health`, { timeoutMs: 10_000 });
    expect(placeholder.headers).toMatchObject({ "giraff-tags": "<no-tags>", "giraff-sla-id": "<no-sla-id>" });
  });

  it("validates /reconfigure, then announces the next hop and its proxy", async () => {
    const { url } = await startFunction(folder, { PROXY_PORT: "4128" });
    for (const body of [
      "not json",
      {},
      { nextFunctionUrl: 3 },
      { nextFunctionUrl: "/x" },
      { nextFunctionUrl: "ftp://h/" },
    ]) {
      const refused = await post(`${url}/reconfigure`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json()).toMatchObject({ error: { field: "nextFunctionUrl" } });
    }
    const next = "http://10.0.0.2:31112/function/fogfn-2";
    expect((await post(`${url}/reconfigure`, { nextFunctionUrl: next })).status).toBe(200);
    const answer = await post(`${url}/`, cases.valid.body, cases.valid.headers);
    expect(answer.status).toBe(200);
    expect(answer.headers["giraff-redirect"]).toBe(next);
    expect(answer.headers["giraff-redirect-proxy"]).toBe("http://10.0.0.2:4128/");
  });

  it("refuses malformed requests with a 4xx naming the field, and keeps serving", async () => {
    const { url } = await startFunction(folder);
    for (const bad of cases.malformed) {
      const refused = await post(`${url}/${bad.query ?? ""}`, bad.body, bad.headers);
      expect(refused.status, bad.name).toBe(bad.status ?? 400);
      expect(refused.headers["giraff-tags"]).toBe("<no-tags>");
      const { error } = refused.json() as { error: { field: string; message: string } };
      expect(error.field, bad.name).toBe(bad.field);
      expect(error.message, bad.name).toMatch(/\S/);
    }
    expect((await post(`${url}/`, cases.valid.body, cases.valid.headers)).status).toBe(200);
  });

  it("exits with code 0 on SIGTERM", async () => {
    const { child } = await startFunction(folder);
    child.kill("SIGTERM");
    const { exitCode, signal } = await child;
    expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: undefined });
  });
}

/** A request the function must refuse with `status` (400 unless told) and an error naming `field`. */
export interface MalformedCase {
  name: string;
  body: unknown;
  headers?: Record<string, string>;
  query?: string;
  field: string;
  status?: number;
}
