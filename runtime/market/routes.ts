/**
 * The market's HTTP routes (giraff.md §4.3). Bodies are validated by the protocol schemas; a bad one gets a 4xx
 * naming the field and the rule.
 */
import { randomUUID } from "node:crypto";
import { requestJson } from "../http/client.ts";
import type { Route } from "../http/server.ts";
import { ProtocolError, RemoteError } from "../protocol/errors.ts";
import { formatAcceptedBid, putSlaRequestSchema, registerNodeSchema } from "../protocol/messages.ts";
import { parseWith } from "../protocol/validate.ts";
import type { MarketState } from "./market.ts";
import { acceptedBidView, listing } from "./access.ts";
import { BID_RATE_WINDOW_MS } from "../protocol/rates.ts";
import { MARKET_REASONS } from "./auction.ts";
import { runAuction } from "./run-auction.ts";
import { provisionSigningText } from "../protocol/endpoint-auth.ts";
import { retryAfterHeader } from "../http/token-bucket.ts";

/** The node id a registration body claims, read without validating it (that comes after the rate limit). */
function claimedNodeId(body: unknown): string {
  if (typeof body !== "object" || body === null) return "";
  const inner =
    (body as { node?: unknown; marketNode?: unknown }).node ?? (body as { marketNode?: unknown }).marketNode;
  const id = typeof inner === "object" && inner !== null ? (inner as { node_id?: unknown }).node_id : undefined;
  return typeof id === "string" ? id : "";
}

export function marketRoutes(state: MarketState): Route[] {
  const { opts, registry } = state;
  return [
    {
      method: "PUT",
      path: "/api/function",
      async handler(req) {
        const put = parseWith(putSlaRequestSchema, req.body);
        if (registry.get(put.targetNode) === undefined) {
          throw new ProtocolError({
            field: "targetNode",
            rule: "the id of a node registered with the market (see GET /api/fog)",
            value: put.targetNode,
            status: 404,
          });
        }
        // a v4 UUID: 122 bits from the CSPRNG, the client's capability for its SLA (access.ts)
        const sla = { ...put.sla, id: randomUUID() };
        const record = await runAuction(state, sla, put.targetNode);
        if (record.outcome === "awarded") return { json: formatAcceptedBid(state.awards.get(sla.id)!.accepted) };
        if (record.reason === MARKET_REASONS.rateLimited) {
          // the nodes' limiters count proposals over a sliding second: after it, they bid again
          return {
            status: 429,
            headers: { "retry-after": String(Math.ceil(BID_RATE_WINDOW_MS / 1000)) },
            json: {
              error: {
                message: `SLA ${sla.id} was rate limited by the nodes: try again later.`,
                reason: record.reason,
              },
              auction: record,
            },
          };
        }
        return {
          status: 503,
          json: {
            error: { message: `No node could host SLA ${sla.id}: ${record.reason}.`, reason: record.reason },
            auction: record,
          },
        };
      },
    },
    {
      method: "POST",
      path: "/api/function/:slaId",
      // the SLA id is its client's capability (random, 122 bits, never listed publicly): holding it, one may provision
      async handler(req) {
        const slaId = req.params.slaId!;
        const award = state.awards.get(slaId);
        if (award === undefined) {
          throw new ProtocolError({
            field: "slaId",
            rule: "the id of an SLA this market awarded",
            value: slaId,
            status: 404,
          });
        }
        const node = registry.get(award.nodeId)!;
        const url = `http://${node.ip}:${node.portHttp}/api/provision/${encodeURIComponent(slaId)}`;
        const { bid, price } = award.accepted.chosen;
        const mac = opts.endpointAuth.mac(node.bidKey, () => provisionSigningText(slaId, node.id, bid.id, price));
        try {
          const { json } = await requestJson(url, {
            method: "POST",
            body: { bidId: bid.id, price, ...(mac === undefined ? {} : { mac }) },
            timeoutMs: opts.provisionTimeoutMs,
            link: opts.linkTo?.(node.id),
          });
          return { json: json ?? {} };
        } catch (err) {
          if (err instanceof RemoteError) {
            throw new RemoteError({
              ...err,
              url,
              message: `Provisioning SLA ${slaId} on ${node.id} failed: ${err.message}`,
              cause: err,
            });
          }
          throw err;
        }
      },
    },
    {
      method: "POST",
      path: "/api/register",
      handler(req) {
        // taken before validating: once its bucket is empty, a flood costs a token lookup per registration
        const bucket = opts.pinnedKeys?.has(claimedNodeId(req.body)) === true ? "pinned" : "strangers";
        const admission = state.registrations[bucket].take(opts.now());
        if (!admission.ok) {
          return {
            status: 429,
            headers: retryAfterHeader(admission.retryAfterMs),
            json: { error: { message: "Too many registrations: try again later.", reason: "rate limited" } },
          };
        }
        const reg = parseWith(registerNodeSchema, req.body);
        const record = registry.register(reg, opts.now());
        state.liveness.markUp(record.id);
        opts.events.emit({
          kind: "node_registered",
          nodeId: record.id,
          ...(record.parent === undefined ? {} : { parent: record.parent }),
          ip: record.ip,
          portHttp: record.portHttp,
        });
        return { json: { market_key: state.agreement.publicKey } };
      },
    },
    {
      method: "GET",
      path: "/api/fog",
      // public: the tree and what runs where (GIRAFF's clients map node ids to addresses here); no SLA ids, no envVars
      handler: listing(opts.operatorToken, (access) => {
        const byNode = new Map<string, Record<string, unknown>>();
        for (const a of state.awards.values()) {
          const bids = byNode.get(a.nodeId) ?? {};
          bids[a.accepted.chosen.bid.id] = acceptedBidView(a.accepted, access);
          byNode.set(a.nodeId, bids);
        }
        return {
          json: [...registry.nodes()].map((n) => ({
            id: n.id,
            ip: n.ip,
            tags: n.tags,
            acceptedBids: byNode.get(n.id) ?? {},
          })),
        };
      }),
    },
    {
      method: "GET",
      path: "/api/functions",
      handler: listing(opts.operatorToken, (access) => {
        const byNode: Record<string, unknown[]> = {};
        for (const n of registry.nodes()) byNode[n.id] = [];
        for (const a of state.awards.values()) (byNode[a.nodeId] ??= []).push(acceptedBidView(a.accepted, access));
        return { json: byNode };
      }),
    },
    {
      method: "GET",
      path: "/api/health",
      // nodes: those up; down: those known down, since when and why (`liveness.ts`)
      handler: () => {
        const down = state.liveness.down();
        return {
          json: { status: down.length === 0 ? "ok" : "degraded", nodes: registry.size - down.length, down },
        };
      },
    },
    {
      method: "GET",
      path: "/api/auctions/:slaId",
      // the SLA id is its client's capability (random, 122 bits, never listed): whoever holds it reads the auction
      handler(req) {
        const record = state.records.get(req.params.slaId!);
        if (record === undefined) {
          throw new ProtocolError({
            field: "slaId",
            rule: "the id of an SLA auctioned by this market",
            value: req.params.slaId,
            status: 404,
          });
        }
        return { json: record };
      },
    },
  ];
}
