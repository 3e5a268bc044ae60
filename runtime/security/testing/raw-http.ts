/**
 * A raw HTTP/1.1 client for attacking the edges: it writes the request bytes as given (bad methods, bad
 * request-targets, conflicting headers), so nothing is normalised on the way, and reports the status line it
 * gets back, a connection closed without an answer, or a hang (no answer within the timeout).
 */
import { connect } from "node:net";

export interface RawRequest {
  method: string;
  target: string;
  /** Header lines without the trailing CRLF, written as they are. */
  headers: string[];
  body: Buffer;
}

export type RawOutcome = { kind: "answered"; status: number; head: string } | { kind: "closed" } | { kind: "hang" };

/** Sends `request` on a fresh connection to `host:port` (with `Connection: close`) and reads the answer's status. */
export function sendRaw(host: string, port: number, request: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const head = [`${request.method} ${request.target} HTTP/1.1`, "host: fuzz", "connection: close", ...request.headers]
      .map((line) => `${line}\r\n`)
      .join("");
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const statusOf = (): RawOutcome | undefined => {
      const text = received.toString("latin1", 0, Math.min(received.length, 4096));
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      return match === null
        ? undefined
        : { kind: "answered", status: Number(match[1]), head: text.split("\r\n\r\n")[0]! };
    };
    const timer = setTimeout(() => settle(statusOf() ?? { kind: "hang" }), timeoutMs);
    socket.on("connect", () => {
      socket.write(`${head}\r\n`);
      // the server may answer (413, 400) and close before the body is written: that is not an error here
      if (request.body.length > 0) socket.write(request.body, () => undefined);
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // the status line and headers are all the fuzzer needs
      if (received.includes("\r\n\r\n")) settle(statusOf() ?? { kind: "closed" });
    });
    socket.on("error", () => settle(statusOf() ?? { kind: "closed" }));
    socket.on("close", () => settle(statusOf() ?? { kind: "closed" }));
  });
}
