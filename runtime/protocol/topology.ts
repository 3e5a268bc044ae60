/**
 * The fog network a run uses (DESIGN.md §3.4): a tree of nodes, each with its flavour (cores and memory, and
 * what is reserved for functions), the link to its parent and its valuation parameters. The topology generator
 * writes this JSON; the launcher and the Grid'5000 provider read it.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, ProtocolError } from "./errors.ts";
import { id, parseWith } from "./validate.ts";

const positive = (what: string) =>
  z.number({ error: `a positive number (${what})` }).positive({ error: `a positive number (${what})` });
const nonNegative = (what: string) =>
  z.number({ error: `a non-negative number (${what})` }).min(0, { error: `a non-negative number (${what})` });

export const topologyNodeSchema = z.object({
  id,
  name: z.string().regex(/^[\w.-]{1,100}$/, { error: "a node name of letters, digits, `.`, `_` or `-`" }),
  /** Depth in the tree: 0 for the root (the market's node). */
  level: z.number().int().min(0),
  parent: id.nullable(),
  flavor: z.object({
    cores: positive("VM cores"),
    memMiB: positive("VM memory in MiB"),
    reservedCores: positive("cores reserved for functions"),
    reservedMemMiB: positive("MiB reserved for functions"),
  }),
  /** The link to the parent; null for the root. */
  link: z
    .object({
      latencyMs: nonNegative("one-way latency in ms"),
      rateBps: positive("link rate in bit/s"),
      lossPct: nonNegative("loss in percent").max(100, { error: "a loss percentage between 0 and 100" }),
    })
    .nullable(),
  iotConnected: z.boolean().default(false),
  isCloud: z.boolean().default(false),
  valuation: z
    .object({
      pricingCpuInitial: z.number().optional(),
      pricingMemInitial: z.number().optional(),
      ratioAA: z.number().optional(),
      ratioBB: z.number().optional(),
      electricityPrice: z.number().optional(),
    })
    .default({}),
  /** Max proposals per second; GIRAFF's testbed uses ⌈reserved MiB / 100⌉ when absent. */
  maxInFlight: z.number().int().min(1).optional(),
});

export const topologySchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.union([z.string(), z.number()]).optional(),
  preset: z.string().optional(),
  nodes: z.array(topologyNodeSchema).min(1, { error: "at least one node (the root)" }),
});

export type TopologyNode = z.output<typeof topologyNodeSchema>;
export type Topology = z.output<typeof topologySchema>;

/** Validates a parsed topology document and its tree: one root, known parents, unique ids and names, no cycle. */
export function parseTopology(json: unknown): Topology {
  const topology = parseWith(topologySchema, json);
  const byId = new Map<string, TopologyNode>();
  const names = new Set<string>();
  topology.nodes.forEach((node, i) => {
    if (byId.has(node.id))
      throw new ProtocolError({ field: `nodes.${i}.id`, rule: "a unique node id", value: node.id });
    if (names.has(node.name))
      throw new ProtocolError({ field: `nodes.${i}.name`, rule: "a unique node name", value: node.name });
    byId.set(node.id, node);
    names.add(node.name);
  });
  const roots = topology.nodes.filter((n) => n.parent === null);
  if (roots.length !== 1) {
    throw new ProtocolError({
      field: "nodes",
      rule: "a tree with exactly one root (parent: null)",
      value: `${roots.length} roots`,
    });
  }
  topology.nodes.forEach((node, i) => {
    if (node.parent === null) {
      if (node.link !== null)
        throw new ProtocolError({ field: `nodes.${i}.link`, rule: "null for the root", value: node.link });
      return;
    }
    if (!byId.has(node.parent)) {
      throw new ProtocolError({
        field: `nodes.${i}.parent`,
        rule: "the id of another node of this topology",
        value: node.parent,
      });
    }
    if (node.link === null)
      throw new ProtocolError({ field: `nodes.${i}.link`, rule: "the link to the parent", value: null });
    let cursor: TopologyNode | undefined = node;
    for (let steps = 0; cursor !== undefined && cursor.parent !== null; steps++) {
      if (steps > topology.nodes.length) {
        throw new ProtocolError({
          field: `nodes.${i}.parent`,
          rule: "a parent chain that reaches the root (no cycle)",
          value: node.parent,
        });
      }
      cursor = byId.get(cursor.parent);
    }
  });
  return topology;
}

/** Reads and validates a topology file; errors name the file and the field. */
export function loadTopology(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError("topology", `Cannot read the topology file ${path}: ${(cause as Error).message}.`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError("topology", `The topology file ${path} is not valid JSON: ${(cause as Error).message}.`, {
      cause,
    });
  }
  try {
    return parseTopology(json);
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new ConfigError(err.field, `In the topology file ${path}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
