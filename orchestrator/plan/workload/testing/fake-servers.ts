/**
 * Fakes for the replayer's tests, named as fakes (DESIGN.md §5): an IoT emulator that only records `PUT /api/cron`
 * bodies (the real one is built separately), and a scripted market for the abort cases, where determinism matters
 * more than realism. Both listen on loopback (127.121.x.y) with an ephemeral port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeServer {
  url: string;
  host: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type FakeHandler = (req: RecordedRequest) => { status: number; json?: unknown };

/** An HTTP server on `host` that records every request and answers with `handler`. */
export async function startFakeServer(host: string, handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const recorded = { method: req.method ?? "GET", path: req.url ?? "/", body: text ? JSON.parse(text) : undefined };
      requests.push(recorded);
      const answer = handler(recorded);
      const body = answer.json === undefined ? "" : JSON.stringify(answer.json);
      res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A fake IoT emulator: accepts every `PUT /api/cron` (200, empty) and refuses anything else (403), like GIRAFF's. */
export function startFakeIotEmulator(host: string): Promise<FakeServer> {
  return startFakeServer(host, (req) => ({ status: req.method === "PUT" && req.path === "/api/cron" ? 200 : 403 }));
}

/** An AcceptedBid as the market answers `PUT /api/function`, placing SLA `slaId` on `nodeId` at `ip:port`. */
export function acceptedBid(slaId: string, nodeId: string, ip: string, port: number): unknown {
  return {
    chosen: { bid: { nodeId, id: `bid-${slaId}`, bid: 1 }, ip, port: String(port), price: 1 },
    proposals: { bids: [{ nodeId, id: `bid-${slaId}`, bid: 1 }] },
    sla: { id: slaId },
  };
}
