/** A node's self-description for `GET /api/state`: what the launcher waits on and what an operator inspects. */
import type { NodeState } from "./node-state.ts";

export interface NodeStatus {
  id: string;
  name: string;
  registered: boolean;
  strategy: string;
  valuation: string;
  neighbours: {
    id: string;
    role: "parent" | "child";
    medianMs: number | undefined;
    iqrMs: number | undefined;
  }[];
  resources: ReturnType<NodeState["resources"]["view"]>;
  functions: Record<string, number>;
}

export function nodeStatus(state: NodeState): NodeStatus {
  const functions: Record<string, number> = {};
  for (const r of state.table.records()) functions[r.state] = (functions[r.state] ?? 0) + 1;
  return {
    id: state.config.id,
    name: state.config.name,
    registered: state.registered,
    strategy: state.strategy.name,
    valuation: state.valuation.name,
    neighbours: [...state.neighbours.values()].map((n) => {
      const estimate = state.monitor.estimator.estimate(n.id);
      return { id: n.id, role: n.role, medianMs: estimate?.medianMs, iqrMs: estimate?.iqrMs };
    }),
    resources: state.resources.view(),
    functions,
  };
}
