/**
 * Host-key checking for ssh2's `hostVerifier`. Keys are kept in the `known_hosts` line format
 * (`"<type> <base64>"`), keyed `[address]:port`, so the same map can be written out for OpenSSH (`rsync -e ssh`).
 *
 * With a `known_hosts` file (`KnownHostsFile`), an unknown host is trusted on first use: its key is appended to
 * the file in OpenSSH's format and the first contact is logged with its fingerprint; a key that differs from the
 * file's is refused with a sentence saying how to remove the stale line. The file may hold OpenSSH's hashed names
 * (`|1|salt|hash`, Debian's `HashKnownHosts yes`), so `~/.ssh/known_hosts` works as it is.
 */
import { createHash, createHmac } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import writeFileAtomic from "write-file-atomic";
import { dirname } from "node:path";
import type { HostKeyPolicy, KnownHosts, Logger } from "./types.ts";

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

/** Host-key algorithms that can present a key of a `known_hosts` type (an `ssh-rsa` key signs with SHA-2 too). */
const ALGORITHMS_OF_TYPE: Record<string, string[]> = {
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

/**
 * A `known_hosts` file, read afresh at each check (it is small, and another campaign or `ssh` may have added a
 * line) and appended to on first contact. Lines with markers (`@cert-authority`, `@revoked`) or wildcards are
 * ignored; plain and hashed host names are matched.
 */
export class KnownHostsFile {
  constructor(readonly path: string) {}

  /** The `"<type> <base64>"` keys recorded for `id` (`host` or `[host]:port`). */
  keysOf(id: string): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const keys: string[] = [];
    for (const line of text.split("\n")) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 3 || fields[0]!.startsWith("#") || fields[0]!.startsWith("@")) continue;
      if (fields[0]!.split(",").some((pattern) => matches(pattern, id))) keys.push(`${fields[1]} ${fields[2]}`);
    }
    return keys;
  }

  /** The host-key algorithms to offer `id`'s server, so that it presents a key of a known type (as OpenSSH does). */
  algorithmsOf(id: string): string[] | undefined {
    const types = [...new Set(this.keysOf(id).map((k) => k.split(" ")[0]!))];
    return types.length === 0 ? undefined : types.flatMap((t) => ALGORITHMS_OF_TYPE[t] ?? [t]);
  }

  /** Appends `id <type> <base64>`, creating the file (0600) and its directory when needed. */
  add(id: string, key: string): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, `${id} ${key}\n`, { mode: 0o600 });
  }

  /**
   * Removes the lines whose only host is `id` (plain or hashed), as `ssh-keygen -R` does, and drops `id` from lines
   * that list other hosts too; returns how many lines changed. Replaces the file atomically; a missing file is empty.
   */
  remove(id: string): number {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw err;
    }
    let changed = 0;
    const kept: string[] = [];
    for (const line of text.split("\n")) {
      const fields = line.trim().split(/\s+/);
      const patterns = fields[0]?.split(",") ?? [];
      if (
        fields.length < 3 ||
        fields[0]!.startsWith("#") ||
        fields[0]!.startsWith("@") ||
        !patterns.some((p) => matches(p, id))
      ) {
        kept.push(line);
        continue;
      }
      changed++;
      const others = patterns.filter((p) => !matches(p, id));
      if (others.length > 0) kept.push([others.join(","), ...fields.slice(1)].join(" "));
    }
    if (changed === 0) return 0;
    writeFileAtomic.sync(this.path, kept.join("\n"), { mode: 0o600 });
    return changed;
  }
}

function matches(pattern: string, id: string): boolean {
  if (!pattern.startsWith("|1|")) return pattern === id;
  const [salt, hash] = pattern.slice(3).split("|");
  if (salt === undefined || hash === undefined) return false;
  return createHmac("sha1", Buffer.from(salt, "base64")).update(id).digest("base64") === hash;
}

/** Where a verifier records and looks up keys: always the in-memory map, and the file when there is one. */
export interface HostKeyStore {
  knownHosts: KnownHosts;
  file?: KnownHostsFile | undefined;
  logger?: Logger | undefined;
}

/** Builds a synchronous `hostVerifier` applying `policy`; `verdict.rejected` explains a refusal. */
export function hostVerifier(
  policy: HostKeyPolicy,
  store: HostKeyStore | KnownHosts,
  address: string,
  port: number,
  verdict: HostKeyVerdict,
): (key: Buffer) => boolean {
  const { knownHosts, file, logger } = store instanceof Map ? { knownHosts: store } : store;
  return (key) => {
    if (policy === "off") return true;
    const id = knownHostsKey(address, port);
    const offered = formatHostKey(key);
    if (file !== undefined) return verifyWithFile(policy, file, knownHosts, id, offered, verdict, logger);
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

function verifyWithFile(
  policy: Exclude<HostKeyPolicy, "off">,
  file: KnownHostsFile,
  knownHosts: KnownHosts,
  id: string,
  offered: string,
  verdict: HostKeyVerdict,
  logger: Logger | undefined,
): boolean {
  let known: string[];
  try {
    known = file.keysOf(id);
  } catch (err) {
    verdict.rejected = `${file.path} could not be read: ${(err as Error).message}.`;
    return false;
  }
  if (known.includes(offered)) {
    knownHosts.set(id, offered);
    return true;
  }
  if (known.length > 0) {
    verdict.rejected =
      `The host key of ${id} changed: ${file.path} has ${known.map(fingerprint).join(", ")}, the host offered ` +
      `${fingerprint(offered)}. If the host was reinstalled, remove the stale line with ` +
      `\`ssh-keygen -R '${id}' -f ${file.path}\` and connect again; otherwise someone may be intercepting the connection.`;
    return false;
  }
  if (policy === "strict") {
    verdict.rejected = `${id} is not in ${file.path} and the policy is strict (offered ${fingerprint(offered)}).`;
    return false;
  }
  try {
    file.add(id, offered);
  } catch (err) {
    verdict.rejected = `The key of ${id} could not be recorded in ${file.path}: ${(err as Error).message}.`;
    return false;
  }
  knownHosts.set(id, offered);
  logger?.info(`first contact with ${id}: its key ${fingerprint(offered)} is now trusted in ${file.path}`);
  return true;
}

/** `known_hosts` file content for OpenSSH, from the map. */
export function knownHostsFile(knownHosts: KnownHosts): string {
  return [...knownHosts].map(([id, key]) => `${id} ${key}\n`).join("");
}
