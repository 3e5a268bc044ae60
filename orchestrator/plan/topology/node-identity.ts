/**
 * Node names and ids. Names follow GIRAFF's `<depth><randomname without dashes><counter>` (giraff.md §11.1), with
 * a small fixed word list in place of the `randomname` package; ids are name-based UUIDs (version 5 layout) of the
 * seed and the node's position in the tree, so the same draw always yields the same ids and no id needs a
 * random source.
 */
import { createHash } from "node:crypto";
import type { Draws } from "./draws.ts";

// prettier-ignore
const ADJECTIVES = [
  "amber", "brisk", "calm", "dusty", "eager", "fuzzy", "gentle", "hollow", "icy", "jolly", "keen", "lucky",
  "misty", "noble", "odd", "pale", "quiet", "rapid", "shiny", "tidy", "upbeat", "vivid", "warm", "young",
] as const;
// prettier-ignore
const NOUNS = [
  "otter", "falcon", "maple", "harbor", "comet", "meadow", "lynx", "canyon", "willow", "badger", "delta", "ember",
  "fjord", "glacier", "heron", "island", "juniper", "koala", "lagoon", "marmot", "nebula", "orchid", "pebble", "quail",
] as const;

/** The root's name, as in GIRAFF: the market's VM. */
export const ROOT_NAME = "market";

/** `<depth><adjective><noun><counter>`, e.g. `3vividheron17`. */
export function nodeName(depth: number, counter: number, d: Draws): string {
  return `${depth}${d.pick(ADJECTIVES)}${d.pick(NOUNS)}${counter}`;
}

/**
 * A UUID-shaped id from SHA-1 of `parts` (the layout of RFC 9562 version 5, without a namespace UUID): stable for
 * a given preset, multiplier, seed and position, such as `0.2.1` for the second child of the third child of the
 * root.
 */
export function nodeId(...parts: (string | number)[]): string {
  const bytes = createHash("sha1").update(parts.join("\u0000")).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
