/**
 * Sending a request THROUGH a forward proxy with the runtime's own HTTP client: an `http.Agent` that connects to
 * the proxy instead of the target and writes the request-target in absolute-form (`POST http://host:port/path`,
 * RFC 9112 §3.2.2), exactly what Go's `http.Transport{Proxy: …}` sends. Keeping the runtime's `request()` (timeouts,
 * error mapping, link emulation) means a hop through a proxy is timed and delayed like any other inter-node call.
 */
import { Agent, type AgentOptions, type ClientRequest } from "node:http";

interface AddRequestOptions {
  host?: string | null;
  port?: number | string | null;
  [key: string]: unknown;
}

/** An agent whose every request goes to `proxyHost:proxyPort` in absolute-form. One socket pool per proxy. */
export class ForwardProxyAgent extends Agent {
  readonly proxyHost: string;
  readonly proxyPort: number;

  constructor(proxyHost: string, proxyPort: number, opts: AgentOptions = {}) {
    // as many idle sockets kept as may be open: bursts on the data path must not churn connections
    super({ keepAlive: true, keepAliveMsecs: 20_000, maxSockets: 256, maxFreeSockets: 256, ...opts });
    this.proxyHost = proxyHost;
    this.proxyPort = proxyPort;
  }

  /**
   * Node calls this synchronously from the `ClientRequest` constructor, before the request line is written
   * (headers are stored at the first write), so rewriting `req.path` here is enough; http-proxy-agent does the same.
   */
  addRequest(req: ClientRequest, options: AddRequestOptions): void {
    const host = req.getHeader("host") ?? `${options.host}:${options.port}`;
    req.path = `${req.protocol}//${String(host)}${req.path}`;
    const base = Agent.prototype as unknown as { addRequest(r: ClientRequest, o: AddRequestOptions): void };
    base.addRequest.call(this, req, { ...options, host: this.proxyHost, port: this.proxyPort });
  }
}

/** One agent per proxy address, kept for the life of the owner (a proxy or an IoT emulator). */
export class ForwardProxyAgents {
  readonly #agents = new Map<string, ForwardProxyAgent>();

  get(proxyHost: string, proxyPort: number): ForwardProxyAgent {
    const key = `${proxyHost}:${proxyPort}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      agent = new ForwardProxyAgent(proxyHost, proxyPort);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}
