/** Small helpers shared by the runtime's integration tests. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { request } from "../http/client.ts";
import type { Sla } from "../protocol/messages.ts";
import { parseTopology, type Topology } from "../protocol/topology.ts";

/** Parsed JSON answers, read loosely by tests (their shape is what the test asserts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const DEV_TOPOLOGY_PATH = fileURLToPath(new URL("../../experiments/topologies/dev.json", import.meta.url));

export function devTopology(): Topology {
  return parseTopology(JSON.parse(readFileSync(DEV_TOPOLOGY_PATH, "utf8")));
}

export function idOf(topology: Topology, name: string): string {
  const node = topology.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`No node named ${name}.`);
  return node.id;
}

/** A GIRAFF-shaped SLA request body (wire form). */
export function slaBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    memory: "100 MB",
    cpu: "100 millicpu",
    latencyMax: "1000 ms",
    duration: "60 s",
    replicas: 1,
    functionImage: "fn_echo",
    functionLiveName: "echo-test",
    inputMaxSize: "1500 B",
    ...overrides,
  };
}

/**
 * Variable names that configure the runtime, the loader or the C library, as an SLA's owner would try them (the
 * case varied): the env-vars rule refuses each at every edge.
 */
export const RUNTIME_ENV_ATTEMPTS = [
  "NODE_OPTIONS",
  "node_options",
  "LD_PRELOAD",
  "DYLD_INSERT_LIBRARIES",
  "UV_THREADPOOL_SIZE",
  "PATH",
  "HOME",
  "Home",
  "GLIBC_TUNABLES",
  "ESBUILD_BINARY_PATH",
] as const;

/** {@link slaBody}'s SLA as the market resolves it, with `id` as its id and its live name. */
export function resolvedSla(id: string, overrides: Partial<Sla> = {}): Sla {
  return {
    id,
    memoryBytes: 100e6,
    cpuMilli: 100,
    latencyMaxMs: 1000,
    durationMs: 60_000,
    replicas: 1,
    functionImage: "fn_echo",
    functionLiveName: id,
    dataFlow: [],
    envVars: [],
    inputMaxSizeBytes: 1500,
    ...overrides,
  };
}

/** `PUT /api/function` on the market; resolves with the status and the parsed JSON answer. */
export async function putFunction(
  marketUrl: string,
  targetNode: string,
  sla: Record<string, unknown> = slaBody(),
): Promise<{ status: number; json: Json }> {
  const answer = await request(`${marketUrl}/api/function`, {
    method: "PUT",
    body: { sla, targetNode },
    timeoutMs: 30_000,
  });
  return { status: answer.status, json: answer.body.length ? answer.json() : undefined };
}

export async function getJson(url: string): Promise<Json> {
  const answer = await request(url, { timeoutMs: 10_000 });
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}: ${answer.text()}`);
  return answer.json();
}
