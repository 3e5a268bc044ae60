/**
 * A fog node as the proxy benchmarks need it, on one address: the bare function server of `http-echo.ts` and the
 * chaining proxy of `proxy-node.ts` beside it, each in its own process.
 */
import { startChild } from "./children.ts";

export interface ProxiedFunction {
  functionPort: number;
  proxyPort: number;
  /** Stops the proxy, then the function server. */
  stop(): void;
}

/** Starts both on `host`, the function answering `answerBytes` bytes; if the proxy fails, the function is stopped. */
export async function startProxiedFunction(host: string, answerBytes: number): Promise<ProxiedFunction> {
  const fn = await startChild("./http-echo.ts", [host, String(answerBytes)]);
  const proxy = await startChild("./proxy-node.ts", [host]).catch((err: unknown) => {
    fn.stop();
    throw err;
  });
  return {
    functionPort: fn.port,
    proxyPort: proxy.port,
    stop() {
      proxy.stop();
      fn.stop();
    },
  };
}
