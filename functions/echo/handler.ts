/**
 * The echo function as a factory: GIRAFF's `fn_echo`, answering `POST /` with the request body and its content type
 * at once, and counting arrivals in `/stats`. It reads nothing of its environment itself: the contract
 * (`functions/lib/contract.ts`) takes `NAME`, `ID` and `PROXY_PORT` from the instance's own `env`. See README.md here.
 */
import type { ServeOptions } from "../lib/contract.ts";
import { json } from "../lib/reply.ts";

/** One echo instance; its counter is its own. */
export function createFunction(): ServeOptions {
  let arrivals = 0;
  return {
    handle: (request) => {
      arrivals += 1;
      return { status: 200, body: request.body, type: request.headers["content-type"] ?? "application/octet-stream" };
    },
    routes: {
      "/stats": (state) => json(200, { arrivals, nextFunctionUrl: state.next?.href ?? null }),
    },
  };
}
