/**
 * Per-launch secrets: the market's operator token and the embedded gateways' password. Both are random for every
 * launch and compared in constant time, so neither a guess nor the timing of a refusal tells anything about them.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 32 random bytes as base64url (43 characters, 256 bits): fits an `Authorization` header and a shell line. */
export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * True when `presented` is `expected`, in time independent of where they differ. Both are hashed first, so their
 * lengths do not show either (`timingSafeEqual` needs equal lengths).
 */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
