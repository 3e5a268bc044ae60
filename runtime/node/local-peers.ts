/**
 * In-process delivery between fog nodes that share a process. A local network hosts many nodes per worker; when
 * a node calls a neighbour that lives in the same process, the call for bids and the latency probe skip HTTP and
 * JSON and become a function call, with the emulated link still applied in both directions (delay and rate) and
 * the caller's timeout still enforced. Everything else (registration, payment, provisioning, the market) stays
 * on HTTP, and neighbours in other processes or on other machines are always reached over HTTP.
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
import type { BidProposals, BidRequest } from "../protocol/messages.ts";

/** What a node offers to the other nodes of its process. */
export interface LocalPeer {
  callForBids(request: BidRequest): Promise<BidProposals>;
  /** True while the node answers (false once it is closing). */
  alive(): boolean;
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
const MIN_TIMER_MS = 0.5;
/** HTTP framing the HTTP path would add to each message, counted against the link rate (as the HTTP client does). */
const FRAMING_BYTES = 300;

export class LocalCallTimeout extends Error {
  constructor(ms: number) {
    super(`No answer within ${Math.round(ms)} ms.`);
    this.name = "LocalCallTimeout";
  }
}

/** One-way transit time of `message` over `link`, in ms. The message is sized only when the link has a rate. */
function transitMs(link: LinkEmulation | undefined, message: () => unknown): number {
  if (link === undefined) return 0;
  if (link.rateBps === undefined || link.rateBps <= 0) return link.delayMs;
  const bytes = Buffer.byteLength(JSON.stringify(message()) ?? "") + FRAMING_BYTES;
  return link.delayMs + (bytes * 8 * 1000) / link.rateBps;
}

function transit(ms: number): Promise<void> {
  return ms < MIN_TIMER_MS ? Promise.resolve() : new Promise((resolve) => preciseDelay(ms, resolve));
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
  return new Promise<Res>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new LocalCallTimeout(timeoutMs));
    }, timeoutMs);
    const exchange = async () => {
      await transit(transitMs(link, () => request));
      if (settled) return;
      const answer = await handle(request);
      await transit(transitMs(link, () => answer));
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    exchange().catch((err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}

/** A latency probe to a co-located peer: the emulated round trip, measured as the traffic would experience it. */
export async function probeLocally(link: LinkEmulation | undefined, peer: LocalPeer): Promise<number | undefined> {
  const started = performance.now();
  await transit(transitMs(link, () => ""));
  if (!peer.alive()) return undefined;
  await transit(transitMs(link, () => ""));
  return performance.now() - started;
}
