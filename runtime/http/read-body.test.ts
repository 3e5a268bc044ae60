import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolError } from "../protocol/errors.ts";
import { readBody } from "./read-body.ts";

/** A real server on loopback whose handler reports what `readBody` gave: the body or the error. */
let server: Server;
let port: number;
const outcomes: Array<(o: Buffer | ProtocolError) => void> = [];
const nextOutcome = () => new Promise<Buffer | ProtocolError>((resolve) => outcomes.push(resolve));

beforeAll(async () => {
  server = createServer((req, res) => {
    readBody(req, { limit: 16 }).then(
      (body) => (outcomes.shift()!(body), res.end("ok")),
      (err: ProtocolError) => (outcomes.shift()!(err), res.writeHead(err.status).end()),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw HTTP bytes, then ends (or destroys) the connection. */
function send(raw: string, opts: { hangUp?: boolean } = {}) {
  const socket = connect(port, "127.0.0.1", () => {
    socket.write(raw);
    if (opts.hangUp === true) socket.destroy();
  });
  socket.on("error", () => {});
  socket.resume();
  return socket;
}

describe("readBody", () => {
  it("reads a body within the limit", async () => {
    const outcome = nextOutcome();
    send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    expect((await outcome).toString()).toBe("hello");
  });

  it("refuses a declared Content-Length beyond the limit with 413, naming the limit and the size", async () => {
    const outcome = nextOutcome();
    send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n");
    const err = (await outcome) as ProtocolError;
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/at most 16 bytes/);
    expect(err.message).toMatch(/1000 bytes/);
  });

  it("stops a chunked body once it passes the limit, with 413", async () => {
    const outcome = nextOutcome();
    const chunk = "a".repeat(10);
    send(
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `a\r\n${chunk}\r\na\r\n${chunk}\r\n0\r\n\r\n`,
    );
    const err = (await outcome) as ProtocolError;
    expect(err.status).toBe(413);
    expect(err.field).toBe("body");
  });

  it("settles with 400 when the client hangs up mid-body", async () => {
    const outcome = nextOutcome();
    send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", { hangUp: true });
    const err = (await outcome) as ProtocolError;
    expect(err.status).toBe(400);
    expect(err.rule).toMatch(/complete body/);
  });
});
