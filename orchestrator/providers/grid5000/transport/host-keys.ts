/**
 * Host-key checking for ssh2's `hostVerifier`. Keys are kept in the `known_hosts` line format
 * (`"<type> <base64>"`), keyed `[address]:port`, so the same map can be written out for OpenSSH (`rsync -e ssh`).
 */
import { createHash } from "node:crypto";
import type { HostKeyPolicy, KnownHosts } from "./types.ts";

/** What the verifier decided, kept so that a rejection becomes `isHostKeyRejected` with a reason. */
export interface HostKeyVerdict {
  rejected?: string;
}

/** The `known_hosts` key for an endpoint, as OpenSSH writes it for non-standard ports. */
export function knownHostsKey(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `"<type> <base64>"` from the SSH wire encoding of a public key (a length-prefixed type name comes first). */
export function formatHostKey(key: Buffer): string {
  const typeLength = key.readUInt32BE(0);
  return `${key.subarray(4, 4 + typeLength).toString("ascii")} ${key.toString("base64")}`;
}

/** OpenSSH's `SHA256:…` fingerprint, for messages. */
export function fingerprint(formatted: string): string {
  const blob = Buffer.from(formatted.split(" ")[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Builds a synchronous `hostVerifier` applying `policy`; `verdict.rejected` explains a refusal. */
export function hostVerifier(
  policy: HostKeyPolicy,
  knownHosts: KnownHosts,
  address: string,
  port: number,
  verdict: HostKeyVerdict,
): (key: Buffer) => boolean {
  return (key) => {
    if (policy === "off") return true;
    const id = knownHostsKey(address, port);
    const offered = formatHostKey(key);
    const known = knownHosts.get(id);
    if (known === undefined) {
      if (policy === "strict") {
        verdict.rejected = `${id} is not in the known hosts and the policy is strict (offered ${fingerprint(offered)}).`;
        return false;
      }
      knownHosts.set(id, offered);
      return true;
    }
    if (known === offered) return true;
    verdict.rejected = `The host key of ${id} changed: known ${fingerprint(known)}, offered ${fingerprint(offered)}.`;
    return false;
  };
}

/** `known_hosts` file content for OpenSSH, from the map. */
export function knownHostsFile(knownHosts: KnownHosts): string {
  return [...knownHosts].map(([id, key]) => `${id} ${key}\n`).join("");
}
