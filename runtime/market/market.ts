/**
 * The marketplace service: GIRAFF's client API (giraff.md §4.3), wire-compatible, plus node registration. It
 * runs each auction through the pure state machine of `auction.ts`, carrying out its effects over HTTP with a
 * timeout on every call.
 *
 *   client ──PUT /api/function──► market ──POST /api/bid──► target node ──flood──► … ──bids──► market
 *          ◄──AcceptedBid──────── market ──POST /api/accept──► winner (next bidder if it refuses)
 */
import { randomUUID } from "node:crypto";
import type { EventSink } from "../events/writer.ts";
import { nullEventSink } from "../events/writer.ts";
import type { LinkEmulation } from "../http/client.ts";
import { startJsonServer, type RunningServer } from "../http/server.ts";
import { silentLogger, type Logger } from "../log.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { formatAcceptedBid, type AcceptedBid, type Sla } from "../protocol/messages.ts";
import type { MarketRuleName } from "../strategies/types.ts";
import { generateAgreementKeys, type AgreementKeys } from "../protocol/bid-mac.ts";
import { randomSecret } from "../util/secrets.ts";
import type { LocalPeerDirectory } from "../in-process/local-peers.ts";
import { MARKET_RULES } from "./rules.ts";
import { HMAC_AUTH, type EndpointAuth } from "../protocol/endpoint-auth.ts";
import { TokenBucket, type RateLimit } from "../http/token-bucket.ts";
import { DEFAULT_MAX_NODES, FogRegistry } from "./registry.ts";
import { NodeLiveness } from "./liveness.ts";
import { BidVerifier } from "./verify-bids.ts";
import { marketRoutes } from "./routes.ts";
import { checkOperatorToken } from "./access.ts";
import { runAuction } from "./run-auction.ts";
import type { AuctionRecord } from "./auction.ts";

export interface MarketOptions {
  host?: string;
  port?: number;
  /** Run name stamped on every event. */
  run?: string;
  rule?: MarketRuleName;
  /**
   * Offer the SLA to the next candidate when the winner refuses payment (default true). False is GIRAFF's market
   * (giraff.md §17.2): the SLA is refused; `runtime/README.md` measures the difference.
   */
  paymentFallback?: boolean;
  /** Refuse unsigned registrations, bids and acceptances (default true). */
  requireSignatures?: boolean;
  /**
   * Node id → Ed25519 public key of every node the caller started (the launcher and the Grid'5000 provider pin
   * theirs). Only these may register, with these keys, unless `openRegistration`.
   */
  pinnedKeys?: ReadonlyMap<string, string>;
  /** Also let nodes whose key is not pinned join (an open market; default false). */
  openRegistration?: boolean;
  /** The market's X25519 keys, when its starter drew them and pins the public half at the nodes (default: fresh). */
  agreement?: AgreementKeys;
  /** The most nodes the market holds (default 100,000). */
  maxNodes?: number;
  /**
   * Registrations of pinned node ids the market takes (default 100 per second after a burst of 1,000, or of twice
   * the pinned keys if more); beyond, it answers 429 with Retry-After.
   */
  registrationLimit?: RateLimit;
  /**
   * Registrations of other node ids (strangers, who join only an open market): default 20 per second after a burst
   * of 100, so that a flood of them costs the market little and the pinned nodes nothing.
   */
  strangerRegistrationLimit?: RateLimit;
  /** Time the whole call for bids may take, in ms (default 5000). */
  bidTimeoutMs?: number;
  /** Time a node has to acknowledge a payment, in ms (default 3000). */
  paymentTimeoutMs?: number;
  /** Time a node has to provision a function and see it live, in ms (default 130 s; GIRAFF waits 120 s). */
  provisionTimeoutMs?: number;
  /** How long awarded functions stay listed after their reservation ended, in ms (default 60 s). */
  retentionMs?: number;
  events?: EventSink;
  logger?: Logger;
  now?: () => number;
  /** Emulated link between the market and a node (none by default: the market sits next to the root). */
  linkTo?: (nodeId: string) => LinkEmulation | undefined;
  /** Nodes hosted by this process, called without HTTP (`runtime/node/local-peers.ts`); none by default. */
  peers?: LocalPeerDirectory | undefined;
  /**
   * How calls for bids, payments, provisionings and refusals are authenticated (`HMAC_AUTH`). Injected, not
   * configured: only the benchmark passes `NO_AUTH`, to measure what authentication costs.
   */
  endpointAuth?: EndpointAuth;
  /**
   * `Authorization: Bearer <token>` shows the full listings, clients' `envVars` and SLA ids included (`access.ts`);
   * random for every start by default (`randomSecret`).
   */
  operatorToken?: string;
}

export type ResolvedMarketOptions = Required<Omit<MarketOptions, "pinnedKeys" | "linkTo" | "peers" | "agreement">> &
  Pick<MarketOptions, "pinnedKeys" | "linkTo" | "peers">;

const REGISTRATION_RATE = 100;
const REGISTRATION_BURST = 1000;

/** An awarded SLA: who hosts it and what the client was told. */
export interface Award {
  sla: Sla;
  nodeId: string;
  accepted: AcceptedBid;
  record: AuctionRecord;
  expiresAt: number;
}

export interface MarketState {
  readonly opts: ResolvedMarketOptions;
  readonly registry: FogRegistry;
  readonly verifier: BidVerifier;
  /** The market's X25519 keys; the public half answers every registration (`bid-mac.ts`). */
  readonly agreement: AgreementKeys;
  readonly awards: Map<string, Award>;
  readonly records: Map<string, AuctionRecord>;
  /** Registered nodes known to be down (`liveness.ts`): not asked for bids, not paid. */
  readonly liveness: NodeLiveness;
  /** Registrations taken so far, of pinned node ids (`registrationLimit`) and of others. */
  readonly registrations: { pinned: TokenBucket; strangers: TokenBucket };
}

export interface RunningMarket extends MarketState {
  url: string;
  server: RunningServer;
  /** Runs one auction directly (what `PUT /api/function` does), for in-process callers and benchmarks. */
  submit(sla: Omit<Sla, "id">, targetNode: string): Promise<AuctionRecord>;
  close(): Promise<void>;
}

export function resolveMarketOptions(opts: MarketOptions): ResolvedMarketOptions {
  const rule = opts.rule ?? "second-price";
  if (!(rule in MARKET_RULES)) {
    throw new ProtocolError({ field: "rule", rule: `one of ${Object.keys(MARKET_RULES).join(", ")}`, value: rule });
  }
  return {
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    run: opts.run ?? "local",
    rule,
    paymentFallback: opts.paymentFallback ?? true,
    requireSignatures: opts.requireSignatures ?? true,
    pinnedKeys: opts.pinnedKeys,
    openRegistration: opts.openRegistration ?? false,
    maxNodes: opts.maxNodes ?? DEFAULT_MAX_NODES,
    registrationLimit: opts.registrationLimit ?? {
      perSecond: REGISTRATION_RATE,
      burst: Math.max(REGISTRATION_BURST, 2 * (opts.pinnedKeys?.size ?? 0)),
    },
    strangerRegistrationLimit: opts.strangerRegistrationLimit ?? { perSecond: 20, burst: 100 },
    bidTimeoutMs: opts.bidTimeoutMs ?? 5000,
    paymentTimeoutMs: opts.paymentTimeoutMs ?? 3000,
    provisionTimeoutMs: opts.provisionTimeoutMs ?? 130_000,
    retentionMs: opts.retentionMs ?? 60_000,
    events: opts.events ?? nullEventSink,
    logger: opts.logger ?? silentLogger,
    now: opts.now ?? Date.now,
    linkTo: opts.linkTo,
    peers: opts.peers,
    endpointAuth: opts.endpointAuth ?? HMAC_AUTH,
    operatorToken: opts.operatorToken === undefined ? randomSecret() : checkOperatorToken(opts.operatorToken),
  };
}

export async function startMarket(options: MarketOptions = {}): Promise<RunningMarket> {
  const opts = resolveMarketOptions(options);
  const agreement = options.agreement ?? generateAgreementKeys();
  const registry = new FogRegistry({
    requireSignatures: opts.requireSignatures,
    pinnedKeys: opts.pinnedKeys,
    openRegistration: opts.openRegistration,
    maxNodes: opts.maxNodes,
    agreement,
  });
  const verifier = new BidVerifier(registry, {
    requireSignatures: opts.requireSignatures,
    endpointAuth: opts.endpointAuth,
  });
  const state: MarketState = {
    opts,
    registry,
    verifier,
    agreement,
    awards: new Map(),
    records: new Map(),
    liveness: new NodeLiveness(),
    registrations: {
      pinned: new TokenBucket(opts.registrationLimit),
      strangers: new TokenBucket(opts.strangerRegistrationLimit),
    },
  };
  const server = await startJsonServer({
    host: opts.host,
    port: opts.port,
    routes: marketRoutes(state),
    bodyLimit: 64 * 1024,
    onServerError: (err, req) =>
      opts.logger.error(`${req.method} ${req.path} failed: ${err instanceof Error ? err.message : String(err)}`),
  });
  const pruner = setInterval(() => prune(state), 10_000);
  pruner.unref();
  return {
    ...state,
    url: server.url,
    server,
    submit: (sla, targetNode) => runAuction(state, { ...sla, id: randomUUID() }, targetNode),
    async close() {
      clearInterval(pruner);
      await server.close();
    },
  };
}

/** Forgets awards whose reservation ended more than `retentionMs` ago (GIRAFF keeps them forever, §17.20). */
function prune(state: MarketState): void {
  const now = state.opts.now();
  for (const [slaId, award] of state.awards) {
    if (award.expiresAt + state.opts.retentionMs < now) {
      state.awards.delete(slaId);
      state.records.delete(slaId);
    }
  }
  // refused auctions have no award; keep only the most recent ones
  if (state.records.size > 100_000) {
    for (const slaId of state.records.keys()) {
      if (state.records.size <= 50_000) break;
      if (!state.awards.has(slaId)) state.records.delete(slaId);
    }
  }
}

export { formatAcceptedBid };
