/**
 * A function's life on its node after the auction (giraff.md §5.7): paid (resources committed, expiry scheduled
 * after `duration`), provisioned on the FaaS gateway, live once healthy, finished at expiry or when it never
 * became healthy. Transitions are checked by the function table; this file carries out their effects.
 */
import { giraffDeployment } from "../faas/giraff-deployment.ts";
import { ProtocolError, RemoteError } from "../protocol/errors.ts";
import {
  acceptSigningText,
  formatSla,
  type AcceptAck,
  type AcceptRequest,
  type ProvisionRequest,
} from "../protocol/messages.ts";
import { paymentSigningText, provisionSigningText } from "../protocol/endpoint-auth.ts";
import { macText } from "../protocol/bid-mac.ts";
import { signText } from "../protocol/signing.ts";
import { setLongTimeout } from "../util/long-timeout.ts";
import type { FunctionRecord } from "./function-table.ts";
import { emitResourceUsage, type NodeState } from "./node-state.ts";

/**
 * Refuses (401) a payment or provisioning that the market did not MAC under this node's market key, over the SLA
 * id, this node, the bid id and the price (`protocol/endpoint-auth.ts`).
 */
function authenticateCommand(
  state: NodeState,
  what: "payment" | "provisioning",
  slaId: string,
  body: AcceptRequest,
): void {
  const { config, effects } = state;
  const signingText = what === "payment" ? paymentSigningText : provisionSigningText;
  const ok = effects.auth.verify(
    state.bidKey,
    () => signingText(slaId, config.id, body.bidId ?? "", body.price ?? Number.NaN),
    body.bidId === undefined || body.price === undefined ? undefined : body.mac,
  );
  if (ok) return;
  throw new ProtocolError({
    field: "mac",
    rule: `a ${what} MAC'd by the market under this node's key (bidId, price and mac)`,
    value: body.mac,
    status: 401,
  });
}

/** The node's record of the SLA a command names, once authenticated; a bid id other than this node's is a 409. */
function commandedRecord(
  state: NodeState,
  what: "payment" | "provisioning",
  slaId: string,
  body: AcceptRequest,
): FunctionRecord {
  authenticateCommand(state, what, slaId, body);
  const record = state.table.require(slaId);
  if (body.bidId !== undefined && body.bidId !== record.bidId) {
    throw new ProtocolError({
      field: "bidId",
      rule: `the id of this node's bid for SLA ${slaId}`,
      value: body.bidId,
      status: 409,
    });
  }
  return record;
}

/** `POST /api/accept/{slaId}`: the market pays this node; re-check capacity, commit, schedule the expiry. */
export function acceptPayment(state: NodeState, slaId: string, body: AcceptRequest): AcceptAck {
  const { config, effects } = state;
  const record = commandedRecord(state, "payment", slaId, body);
  const now = effects.now();
  if (record.state !== "Proposed") {
    throw new ProtocolError({
      field: "slaId",
      rule: "an SLA this node bid on and was not yet paid for",
      value: slaId,
      status: 409,
    });
  }
  const admission = state.resources.pay(record.sla, now);
  if (!admission.ok) {
    effects.events.emit({
      kind: "refused",
      scope: "node",
      slaId,
      nodeId: config.id,
      functionName: record.sla.functionLiveName,
      reason: admission.reason,
      detail: `at payment: ${admission.detail}`,
    });
    throw new ProtocolError({
      field: "slaId",
      rule: `an SLA that still fits this node (${admission.reason}: ${admission.detail})`,
      value: slaId,
      status: 409,
    });
  }
  state.table.pay(slaId, now);
  // the schema bounds durations below the timer limit; a long timeout keeps it exact even if that bound moves
  const timer = setLongTimeout(() => void finishFunction(state, slaId, "expired"), record.sla.durationMs, {
    unref: true,
  });
  state.expiries.set(slaId, timer);
  effects.events.emit({
    kind: "payment",
    slaId,
    functionName: record.sla.functionLiveName,
    nodeId: config.id,
    bidId: record.bidId,
    ...(body.price === undefined ? {} : { price: body.price }),
  });
  emitResourceUsage(state);
  const ack = { slaId, nodeId: config.id, bidId: record.bidId };
  const text = acceptSigningText(ack);
  return state.bidKey === undefined
    ? { ...ack, signature: signText(effects.keys, text) }
    : { ...ack, mac: macText(state.bidKey, text) };
}

/** `POST /api/provision/{slaId}`: deploy the paid function on the gateway and wait until it answers its health check. */
export async function provisionFunction(
  state: NodeState,
  slaId: string,
  body: ProvisionRequest,
): Promise<Record<string, unknown>> {
  const { config, effects } = state;
  commandedRecord(state, "provisioning", slaId, body);
  const record = state.table.provision(slaId, effects.now());
  const sla = record.sla;
  const answer = { functionName: record.faasName, ip: config.ip, port: String(config.portFaas) };
  const emitProvisioned = () =>
    effects.events.emit({
      kind: "provisioned",
      slaId,
      functionName: sla.functionLiveName,
      nodeId: config.id,
      faasName: record.faasName,
    });
  if (effects.faas === undefined) {
    // placement-only node (benchmarks): nothing to run, the reservation alone is the product
    state.table.markLive(slaId, effects.now());
    emitProvisioned();
    effects.events.emit({ kind: "live", slaId, functionName: sla.functionLiveName, nodeId: config.id, waitedMs: 0 });
    return answer;
  }
  const started = effects.now();
  try {
    await effects.faas.deploy(
      giraffDeployment({
        slaId,
        image: sla.functionImage,
        memoryBytes: sla.memoryBytes,
        milliCpu: sla.cpuMilli,
        replicas: sla.replicas,
        envProcess: sla.envProcess,
        envVars: {
          ...Object.fromEntries(sla.envVars),
          SLA: JSON.stringify(formatSla(sla)),
          ID: slaId,
          NAME: sla.functionLiveName,
          GIRAFF_NODE_ID: config.id,
          PRIVATE_IP: config.ip,
          PAID_AT: new Date(record.paidAt ?? started).toISOString(),
        },
      }),
    );
    emitProvisioned();
    const waiting = new AbortController();
    state.provisioning.set(slaId, waiting);
    try {
      await effects.faas.waitUntilLive(record.faasName, { timeoutMs: config.liveTimeoutMs, signal: waiting.signal });
    } finally {
      state.provisioning.delete(slaId);
    }
  } catch (err) {
    await finishFunction(state, slaId, "liveness-failed", [err instanceof Error ? err.message : String(err)]);
    throw new RemoteError({
      url: config.faasUrl ?? "faas",
      message: `Function ${record.faasName} for SLA ${slaId} did not become live: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  if (state.table.get(slaId)?.state !== "Provisioned") return answer; // expired while starting
  state.table.markLive(slaId, effects.now());
  effects.events.emit({
    kind: "live",
    slaId,
    functionName: sla.functionLiveName,
    nodeId: config.id,
    waitedMs: effects.now() - started,
  });
  return answer;
}

/** Ends a reservation: delete the function if it was deployed, release resources, record why. Never throws. */
export async function finishFunction(
  state: NodeState,
  slaId: string,
  reason: "expired" | "liveness-failed" | "shutdown",
  errors: string[] = [],
): Promise<void> {
  const { config, effects } = state;
  const timer = state.expiries.get(slaId);
  if (timer !== undefined) timer.clear();
  state.expiries.delete(slaId);
  // a function that ends while still starting (its reservation expired) stops the wait for it to become live
  state.provisioning.get(slaId)?.abort(new Error(`the reservation of SLA ${slaId} ended (${reason})`));
  const record: FunctionRecord | undefined = state.table.get(slaId);
  if (record === undefined || !["Paid", "Provisioned", "Live"].includes(record.state)) return;
  state.table.finish(slaId, effects.now());
  // the function goes first, then its resources: a node never offers capacity that a process still holds
  if ((record.state === "Provisioned" || record.state === "Live") && effects.faas !== undefined) {
    try {
      await effects.faas.delete(record.faasName);
    } catch (err) {
      errors.push(`deleting ${record.faasName}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  state.resources.finish(slaId);
  emitResourceUsage(state);
  effects.events.emit({
    kind: "finished",
    slaId,
    functionName: record.sla.functionLiveName,
    nodeId: config.id,
    reason,
    errors,
  });
}
