/**
 * Joining the tree (giraff.md §5.3): a node registers with its parent (the root with the market), signed with its
 * key, retrying with exponential backoff until it succeeds. A child's registration is checked by its parent,
 * relayed upward, unchanged, to the market, which checks the child's signature and key itself.
 *
 *   child ──register──► parent: rate limit, signature, a known child keeps its key ──relay──► … ──► market
 *   child ◄── answer + parent_key ── parent: records the child (and their link key) only once the market said yes
 *
 * The answer carries the market's X25519 key (the node's market key: bids, refusals, the market's commands) and
 * the parent's (their link key: calls for bids between them); see `protocol/endpoint-auth.ts`.
 */
import { request, type HttpAnswer } from "../http/client.ts";
import { deliverLocally, type LocalAnswer } from "../in-process/local-peers.ts";
import type { JsonResponse } from "../http/server.ts";
import { ProtocolError } from "../protocol/errors.ts";
import {
  formatRegistration,
  registrationAnswerSchema,
  registrationSigningText,
  type NodeRegistration,
} from "../protocol/messages.ts";
import { deriveBidKey } from "../protocol/bid-mac.ts";
import { deriveLinkKey } from "../protocol/endpoint-auth.ts";
import { parseWith } from "../protocol/validate.ts";
import { signText, verifyText } from "../protocol/signing.ts";
import { retry, type AttemptInfo } from "../util/retry.ts";
import { watchNeighbour, type NodeState } from "./node-state.ts";
import { retryAfterHeader } from "../http/token-bucket.ts";

const REGISTER_TIMEOUT_MS = 10_000;

/** Where registrations go next: the parent, or the market for the root. */
function upstream(state: NodeState): { url: string; base: string; peer: string } {
  const s = state.config.situation;
  return s.kind === "market"
    ? { url: `${s.marketUrl}/api/register`, base: s.marketUrl, peer: "market" }
    : { url: `${s.parentUrl}/api/register`, base: s.parentUrl, peer: s.parentId };
}

/**
 * Sends a registration upstream over the emulated link: in-process when the parent shares this process (as calls
 * for bids do: thousands of nodes registering over loopback HTTP at once time out and retry on a busy worker), over
 * HTTP otherwise and always to the market. Both answer alike: status, body, Retry-After.
 */
async function postUpstream(state: NodeState, body: unknown, signal?: AbortSignal): Promise<LocalAnswer> {
  const { url, base, peer } = upstream(state);
  const link = state.effects.linkTo(peer);
  const local = state.effects.peers?.lookup(base);
  if (local?.register !== undefined) {
    const register = local.register.bind(local);
    return deliverLocally(link, REGISTER_TIMEOUT_MS, body, register);
  }
  const answer = await request(url, { method: "POST", body, timeoutMs: REGISTER_TIMEOUT_MS, link, signal });
  const retryAfter = answer.headers["retry-after"];
  return {
    status: answer.status,
    json: jsonOf(answer),
    retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
  };
}

export function ownRegistration(state: NodeState): NodeRegistration {
  const { config, effects } = state;
  const unsigned: NodeRegistration = {
    kind: config.situation.kind === "market" ? "marketNode" : "node",
    parent: config.situation.kind === "node" ? config.situation.parentId : undefined,
    nodeId: config.id,
    ip: config.ip,
    portHttp: String(config.portHttp),
    portFaas: String(config.portFaas),
    tags: config.tags,
    advertisedBandwidthBps: config.advertisedBandwidthBps,
    publicKey: effects.keys.publicKey,
    agreementKey: effects.keys.agreement.publicKey,
    signedAt: effects.now(),
  };
  return { ...unsigned, signature: signText(effects.keys, registrationSigningText(unsigned)) };
}

/** GIRAFF backs off from 500 ms up to 60 s; a local tree registers in well under a second with these. */
const REGISTER_BACKOFF = { initialMs: 200, factor: 1.5, maxMs: 5000 };

/** Registers until it works, backing off between attempts, or until the node closes. */
export async function registerWithRetry(state: NodeState, signal: AbortSignal): Promise<void> {
  const register = async ({ attempt }: AttemptInfo) => {
    const answer = await postUpstream(state, formatRegistration(ownRegistration(state)), signal);
    if (answer.status >= 300) {
      const said = JSON.stringify(answer.json ?? null).slice(0, 200);
      throw new Error(`${upstream(state).url} answered ${answer.status}: ${said}`);
    }
    acceptAnswer(state, answer.json);
    state.registered = true;
    state.effects.logger.debug(`registered after ${attempt} attempt(s)`);
  };
  await retry(register, {
    backoff: REGISTER_BACKOFF,
    signal,
    onRetry: (err, { attempt }) => {
      if (attempt % 10 === 1)
        state.effects.logger.debug(`registration attempt ${attempt} failed: ${(err as Error).message}`);
    },
  }).catch((err: unknown) => {
    // closing the node ends the loop; nothing else does (there is no deadline)
    if (!signal.aborted) throw err;
  });
}

/** Takes the keys of a successful registration's answer: the market key, and the link key with the parent. */
function acceptAnswer(state: NodeState, json: unknown): void {
  const { config, effects } = state;
  const answer = parseWith(registrationAnswerSchema, json, "registration answer");
  const pinned = config.marketKey;
  if (pinned !== undefined && answer.market_key !== pinned) {
    throw new Error("The registration answer carries another market key than the one this node was given.");
  }
  // a market that agrees no key (GIRAFF's) gets Ed25519-signed bids
  state.bidKey =
    answer.market_key === undefined
      ? undefined
      : deriveBidKey(effects.keys.agreement.privateKey, answer.market_key, config.id);
  if (config.situation.kind === "node") {
    const parent = state.neighbours.get(config.situation.parentId);
    if (parent !== undefined) {
      parent.linkKey =
        answer.parent_key === undefined
          ? undefined
          : deriveLinkKey(effects.keys.agreement.privateKey, answer.parent_key, parent.id, config.id);
    }
  }
}

/**
 * `POST /api/register` on a node: check a registration naming this node as parent, relay it upward, and record
 * the child only once the market accepted it; answers what the market answered, with this node's X25519 key added
 * for a child. A refusal upstream is answered with the same status (and Retry-After).
 */
export async function relayRegistration(state: NodeState, reg: NodeRegistration, body: unknown): Promise<JsonResponse> {
  const { config } = state;
  if (reg.kind === "marketNode") {
    throw new ProtocolError({
      field: "marketNode",
      rule: "a `node` registration (the root registers with the market)",
      value: reg.nodeId,
    });
  }
  const isChild = reg.parent === config.id;
  if (isChild) {
    const admission = state.registrations.take(state.effects.now());
    if (!admission.ok) {
      return {
        status: 429,
        headers: retryAfterHeader(admission.retryAfterMs),
        json: { error: { message: `Too many registrations at node ${config.name}: try again later.` } },
      };
    }
    checkChild(state, reg);
  }
  // The market refuses a child whose parent it does not know yet: relay only once this node is registered,
  // instead of letting the child back off and retry (a tree of depth d would otherwise wait d backoffs).
  if (!state.registered)
    await withTimeout(state.whenRegistered, REGISTER_TIMEOUT_MS, `node ${config.name} to register`);
  const answer = await postUpstream(state, body);
  const json = answer.json;
  if (answer.status >= 300) {
    const retryAfter = answer.retryAfter;
    return {
      status: answer.status >= 500 ? 502 : answer.status,
      ...(typeof retryAfter === "string" ? { headers: { "retry-after": retryAfter } } : {}),
      json: json ?? { error: { message: `The market refused the registration (${answer.status}).` } },
    };
  }
  if (!isChild) return json === undefined ? { status: 200 } : { json };
  recordChild(state, reg);
  const upstreamAnswer = typeof json === "object" && json !== null ? json : {};
  return { json: { ...upstreamAnswer, parent_key: state.effects.keys.agreement.publicKey } };
}

/** A registration naming this node as parent: signed by the child, and a known child keeps its key. */
function checkChild(state: NodeState, reg: NodeRegistration): void {
  if (reg.publicKey === undefined || !verifyText(reg.publicKey, registrationSigningText(reg), reg.signature)) {
    throw new ProtocolError({
      field: "node.signature",
      rule: "a registration signed by the child's key",
      value: reg.signature,
      status: 403,
    });
  }
  const known = state.neighbours.get(reg.nodeId);
  if (known?.role === "parent" || reg.nodeId === state.config.id) {
    throw new ProtocolError({
      field: "node.node_id",
      rule: "the id of a node that is not this node or its parent",
      value: reg.nodeId,
      status: 403,
    });
  }
  if (known !== undefined && known.publicKey !== reg.publicKey) {
    throw new ProtocolError({
      field: "node.public_key",
      rule: `the key child ${reg.nodeId} registered with`,
      value: `${reg.publicKey.slice(0, 24)}…`,
      status: 403,
    });
  }
}

function recordChild(state: NodeState, reg: NodeRegistration): void {
  const known = state.neighbours.get(reg.nodeId);
  state.neighbours.set(reg.nodeId, {
    id: reg.nodeId,
    role: "child",
    url: `http://${reg.ip}:${reg.portHttp}`,
    bandwidthBps: reg.advertisedBandwidthBps,
    publicKey: reg.publicKey,
    linkKey:
      reg.agreementKey === undefined
        ? undefined
        : deriveLinkKey(state.effects.keys.agreement.privateKey, reg.agreementKey, state.config.id, reg.nodeId),
  });
  if (known === undefined) watchNeighbour(state, reg.nodeId);
}

function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
    promise.then(
      () => (clearTimeout(timer), resolve()),
      (err: unknown) => (clearTimeout(timer), reject(err instanceof Error ? err : new Error(String(err)))),
    );
  });
}

/** The JSON of an answer, or undefined when it has none (or none that parses). */
function jsonOf(answer: HttpAnswer): unknown {
  if (answer.body.length === 0) return undefined;
  try {
    return answer.json();
  } catch {
    return undefined;
  }
}
