/**
 * Joining the tree (giraff.md §5.3): a node registers with its parent (the root with the market), signed with its
 * key, retrying with exponential backoff until it succeeds. A child's registration is recorded by its parent and
 * relayed upward, unchanged, to the market, which checks the child's signature itself.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { requestJson } from "../http/client.ts";
import { ProtocolError } from "../protocol/errors.ts";
import {
  formatRegistration,
  registrationAnswerSchema,
  registrationSigningText,
  type NodeRegistration,
} from "../protocol/messages.ts";
import { deriveBidKey } from "../protocol/bid-mac.ts";
import { parseWith } from "../protocol/validate.ts";
import { signText, verifyText } from "../protocol/signing.ts";
import { backoffDelays } from "../util/backoff.ts";
import { watchNeighbour, type NodeState } from "./node-state.ts";

const REGISTER_TIMEOUT_MS = 10_000;

/** Where registrations go next: the parent, or the market for the root. */
function upstream(state: NodeState): { url: string; peer: string } {
  const s = state.config.situation;
  return s.kind === "market"
    ? { url: `${s.marketUrl}/api/register`, peer: "market" }
    : { url: `${s.parentUrl}/api/register`, peer: s.parentId };
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
  const delays = backoffDelays(REGISTER_BACKOFF);
  for (let attempt = 1; !signal.aborted; attempt++) {
    const { url, peer } = upstream(state);
    try {
      const { json } = await requestJson(url, {
        method: "POST",
        body: formatRegistration(ownRegistration(state)),
        timeoutMs: REGISTER_TIMEOUT_MS,
        link: state.effects.linkTo(peer),
        signal,
      });
      const marketKey = parseWith(registrationAnswerSchema, json, "registration answer").market_key;
      // a market that agrees no key (GIRAFF's) gets Ed25519-signed bids
      state.bidKey =
        marketKey === undefined
          ? undefined
          : deriveBidKey(state.effects.keys.agreement.privateKey, marketKey, state.config.id);
      state.registered = true;
      state.effects.logger.debug(`registered after ${attempt} attempt(s)`);
      return;
    } catch (err) {
      if (signal.aborted) return;
      if (attempt % 10 === 1)
        state.effects.logger.debug(`registration attempt ${attempt} failed: ${(err as Error).message}`);
      await sleep(delays.next().value, undefined, { signal }).catch(() => undefined);
    }
  }
}

/**
 * `POST /api/register` on a node: record a child, then relay the same registration upward; answers what the
 * market answered (its key for the child's bid MACs), unchanged.
 */
export async function relayRegistration(state: NodeState, reg: NodeRegistration, body: unknown): Promise<unknown> {
  const { config } = state;
  if (reg.kind === "marketNode") {
    throw new ProtocolError({
      field: "marketNode",
      rule: "a `node` registration (the root registers with the market)",
      value: reg.nodeId,
    });
  }
  if (reg.parent === config.id) {
    if (reg.publicKey === undefined || !verifyText(reg.publicKey, registrationSigningText(reg), reg.signature)) {
      throw new ProtocolError({
        field: "node.signature",
        rule: "a registration signed by the child's key",
        value: reg.signature,
        status: 403,
      });
    }
    const known = state.neighbours.get(reg.nodeId);
    state.neighbours.set(reg.nodeId, {
      id: reg.nodeId,
      role: "child",
      url: `http://${reg.ip}:${reg.portHttp}`,
      bandwidthBps: reg.advertisedBandwidthBps,
    });
    if (known === undefined) watchNeighbour(state, reg.nodeId);
  }
  // The market refuses a child whose parent it does not know yet: relay only once this node is registered,
  // instead of letting the child back off and retry (a tree of depth d would otherwise wait d backoffs).
  if (!state.registered)
    await withTimeout(state.whenRegistered, REGISTER_TIMEOUT_MS, `node ${config.name} to register`);
  const { url, peer } = upstream(state);
  const { json } = await requestJson(url, {
    method: "POST",
    body,
    timeoutMs: REGISTER_TIMEOUT_MS,
    link: state.effects.linkTo(peer),
  });
  return json;
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
