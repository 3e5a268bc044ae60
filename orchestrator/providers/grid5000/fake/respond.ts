/**
 * How the fake answers: JSON as `application/json; charset=utf-8` (grid5000.md §1.1), collections in the
 * `{total, offset, items, links}` envelope, and handlers that receive the caller's resolved identity.
 */
import type { JsonRequest, JsonResponse } from "../../../../runtime/http/server.ts";

export type FakeHandler = (req: JsonRequest, user: string | undefined, nowS: number) => JsonResponse;
export interface FakeRoute {
  method: string;
  path: string;
  handler: FakeHandler;
}

const JSON_TYPE = "application/json; charset=utf-8";
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): JsonResponse => ({
  status,
  body: Buffer.from(JSON.stringify(body)),
  headers: { "content-type": JSON_TYPE, ...headers },
});
export const collection = (items: unknown[], offset = 0, total = items.length) => ({ total, offset, items, links: [] });
