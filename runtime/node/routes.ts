/** A fog node's HTTP routes (giraff.md §5), each validating its body with the protocol schemas. */
import type { Route } from "../http/server.ts";
import {
  acceptRequestSchema,
  bidRequestSchema,
  provisionRequestSchema,
  registerNodeSchema,
} from "../protocol/messages.ts";
import { parseWith } from "../protocol/validate.ts";
import { answerCallForBids } from "./bidding.ts";
import { acceptPayment, provisionFunction } from "./lifecycle.ts";
import type { NodeState } from "./node-state.ts";
import { relayRegistration } from "./registration.ts";
import { nodeStatus } from "./status.ts";

export function nodeRoutes(state: NodeState): Route[] {
  return [
    {
      method: "POST",
      path: "/api/bid",
      handler: async (req) => ({ json: await answerCallForBids(state, parseWith(bidRequestSchema, req.body)) }),
    },
    {
      method: "POST",
      path: "/api/accept/:slaId",
      handler: (req) => ({ json: acceptPayment(state, req.params.slaId!, parseWith(acceptRequestSchema, req.body)) }),
    },
    {
      method: "POST",
      path: "/api/provision/:slaId",
      handler: async (req) => ({
        json: await provisionFunction(state, req.params.slaId!, parseWith(provisionRequestSchema, req.body)),
      }),
    },
    {
      method: "POST",
      path: "/api/register",
      handler: (req) => relayRegistration(state, parseWith(registerNodeSchema, req.body), req.body),
    },
    { method: "GET", path: "/api/ping", handler: () => ({ status: 204 }) },
    { method: "GET", path: "/api/health", handler: () => ({ json: { status: "ok" } }) },
    { method: "GET", path: "/api/state", handler: () => ({ json: nodeStatus(state) }) },
  ];
}
