/**
 * In-process delivery between fog nodes that share a process. A local network hosts many nodes per worker; when
 * a node calls a neighbour that lives in the same process, the call for bids, the latency probe and the registration
 * skip HTTP and JSON and become a function call, with the emulated link still applied in both directions (delay and rate) and
 * the caller's timeout still enforced. Provisioning stays on HTTP, and so do registrations to the market; a market in the same process
 * (a network hosted whole in the launcher's process) calls for bids and pays in-process too. Latency probes to
 * co-located peers travel in batches (`probe-batch.ts`). Nodes in other
 * processes or on other machines are always reached over HTTP.
 *
 *   node A ──ask(B)──► directory.lookup(B.url) ── found ──► link delay ─► B.callForBids(req) ─► link delay ─► A
 *                                             └─ absent ─► POST B.url/api/bid (HTTP, validated by the schema)
 *
 * Why: on this 2-core machine HTTP between co-located nodes costs about 1 ms of CPU per node a flood reaches,
 * which is machine noise, not the protocol. The messages are the same objects the HTTP path would parse; a node
 * treats what it receives as read-only. `peerTransport: "http"` in the launcher turns this off.
 */
import type { LinkEmulation } from "../http/client.ts";
import { preciseDelay } from "../http/precise-timer.ts";
import { errorResponse, type JsonResponse } from "../http/server.ts";
import type { AcceptAck, AcceptRequest, BidProposals, BidRequest } from "../protocol/messages.ts";
import { setLongTimeout, type LongTimeout } from "../util/long-timeout.ts";

/** What a node offers to the other nodes of its process. */
export interface LocalPeer {
  callForBids(request: BidRequest): Promise<BidProposals>;
  /** A payment (`POST /api/accept/{slaId}`); throws the node's ProtocolError when it refuses. */
  accept(slaId: string, body: AcceptRequest): AcceptAck;
  /**
   * A registration from a child or relayed from below (`POST /api/register`), answered as the HTTP route would:
   * the status, Retry-After and JSON body it would send, a refusal included. Absent: registrations use HTTP.
   */
  register?(body: unknown): Promise<LocalAnswer>;
  /** True while the node answers (false once it is closing). */
  alive(): boolean;
}

/** An HTTP-like answer of a co-located peer: what its route would have sent. */
export interface LocalAnswer {
  status: number;
  json: unknown;
  retryAfter: string | undefined;
}

/**
 * Runs a route's handler in-process and answers what the HTTP server would: its response, or what its error answers
 * (`errorResponse` in `http/server.ts`: the ProtocolError's 4xx, 502 for a RemoteError, 500 for anything else).
 */
export async function answerLikeHttp(handle: () => Promise<JsonResponse> | JsonResponse): Promise<LocalAnswer> {
  try {
    const res = await handle();
    return { status: res.status ?? 200, json: res.json, retryAfter: res.headers?.["retry-after"] };
  } catch (err) {
    return { ...errorResponse(err), retryAfter: undefined };
  }
}

/** The nodes of one process, by the base URL (`http://ip:port`) their neighbours know them by. */
export class LocalPeerDirectory {
  readonly #peers = new Map<string, LocalPeer>();

  add(url: string, peer: LocalPeer): void {
    this.#peers.set(url, peer);
  }

  remove(url: string): void {
    this.#peers.delete(url);
  }

  lookup(url: string): LocalPeer | undefined {
    const peer = this.#peers.get(url);
    return peer?.alive() === true ? peer : undefined;
  }

  get size(): number {
    return this.#peers.size;
  }
}

/** Transits shorter than this are delivered at once, as the HTTP client does. */
export const MIN_TIMER_MS = 0.5;
/** HTTP framing the HTTP path would add to each message, counted against the link rate (as the HTTP client does). */
const FRAMING_BYTES = 300;

export class LocalCallTimeout extends Error {
  constructor(ms: number) {
    super(`No answer within ${Math.round(ms)} ms.`);
    this.name = "LocalCallTimeout";
  }
}

/** One-way transit time of a message of `bytes()` bytes over `link`, in ms; sized only when the link has a rate. */
export function transitMs(link: LinkEmulation | undefined, bytes: () => number): number {
  if (link === undefined) return 0;
  if (link.rateBps === undefined || link.rateBps <= 0) return link.delayMs;
  return link.delayMs + ((bytes() + FRAMING_BYTES) * 8 * 1000) / link.rateBps;
}

function transit(ms: number): Promise<void> {
  return ms < MIN_TIMER_MS ? Promise.resolve() : new Promise((resolve) => preciseDelay(ms, resolve));
}

/** Sizes of objects already measured: a bid or an SLA travels every hop of a flood, and is measured once. */
const sizes = new WeakMap<object, number>();
/** The size of the first call for bids seen for an SLA, by SLA. */
const requestSizes = new WeakMap<object, number>();

function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "null");
}

/** The size of a bid, refusal or SLA, measured once. */
function cachedBytes(value: unknown): number {
  if (typeof value !== "object" || value === null) return bytesOf(value);
  let bytes = sizes.get(value);
  if (bytes === undefined) {
    bytes = bytesOf(value);
    sizes.set(value, bytes);
  }
  return bytes;
}

/** `JSON.stringify(list)` in bytes, from the cached sizes of its elements. */
function listBytes(list: readonly unknown[]): number {
  let bytes = 2 + Math.max(0, list.length - 1);
  for (const item of list) bytes += cachedBytes(item);
  return bytes;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The size of a message as JSON, in bytes: `Buffer.byteLength(JSON.stringify(message))`, but cheap for the two
 * messages of a flood. An answer (`{bids, refusals}`) grows at every hop, but its bids and refusals are each
 * measured once (exact); a forwarded call for bids differs from the first one for its SLA only in the digits of a
 * few fields, so that first size stands for all (within a few bytes). Anything else is serialised.
 */
export function messageBytes(message: unknown): number {
  if (message === undefined || typeof message === "function" || typeof message === "symbol") return 0;
  if (!isPlainObject(message)) return bytesOf(message);
  const keys = Object.keys(message);
  if (keys[0] === "bids" && Array.isArray(message.bids) && (keys.length === 1 || keys.length === 2)) {
    // {"bids":[…]} or {"bids":[…],"refusals":[…]}
    if (keys.length === 1) return 9 + listBytes(message.bids);
    if (keys[1] === "refusals" && Array.isArray(message.refusals)) {
      return 9 + listBytes(message.bids) + 12 + listBytes(message.refusals);
    }
  }
  if (keys[0] === "nodeOrigin" && keys[1] === "sla" && isPlainObject(message.sla)) {
    // Every hop forwards the same SLA with another origin, accumulated latency and budget: the request measured
    // at the first hop stands for all of them (within a few bytes of digits, well under 1 µs at 10 Mbit/s).
    let bytes = requestSizes.get(message.sla);
    if (bytes === undefined) {
      bytes = bytesOf(message);
      requestSizes.set(message.sla, bytes);
    }
    return bytes;
  }
  return bytesOf(message);
}

/**
 * Carries `request` to a co-located peer over the emulated link and its answer back. Rejects with
 * {@link LocalCallTimeout} when the whole exchange takes longer than `timeoutMs`, like an HTTP call would.
 */
export function deliverLocally<Req, Res>(
  link: LinkEmulation | undefined,
  timeoutMs: number,
  request: Req,
  handle: (request: Req) => Promise<Res>,
): Promise<Res> {
  const call = new LocalCall<Res>(timeoutMs);
  exchange(call, link, request, handle).catch((err: unknown) =>
    call.fail(err instanceof Error ? err : new Error(String(err))),
  );
  return call.promise;
}

/** One in-process call: a promise settled once, by the answer, an error or the timeout. */
class LocalCall<Res> {
  readonly promise: Promise<Res>;
  settled = false;
  #resolve!: (answer: Res) => void;
  #reject!: (err: Error) => void;
  readonly #timer: LongTimeout;

  constructor(timeoutMs: number) {
    this.promise = new Promise<Res>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#timer = setLongTimeout(() => this.fail(new LocalCallTimeout(timeoutMs)), timeoutMs);
  }

  succeed(answer: Res): void {
    if (this.settled) return;
    this.settled = true;
    this.#timer.clear();
    this.#resolve(answer);
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.#timer.clear();
    this.#reject(err);
  }
}

async function exchange<Req, Res>(
  call: LocalCall<Res>,
  link: LinkEmulation | undefined,
  request: Req,
  handle: (request: Req) => Promise<Res>,
): Promise<void> {
  await transit(transitMs(link, () => messageBytes(request)));
  if (call.settled) return;
  const answer = await handle(request);
  await transit(transitMs(link, () => messageBytes(answer)));
  call.succeed(answer);
}
