/**
 * Letting VMs mount the user's NFS home until the job ends (grid5000.md §1.5, EnOSlib's `enable_home_for_job`):
 * GIRAFF's image copies its SSH keys from there at boot. Like job submission, a failed POST is checked, not
 * replayed: the rules are read back and an identical one counts as done.
 */
import type { Grid5000Client } from "./client.ts";
import { Grid5000Error, isGrid5000Error } from "./errors.ts";
import type { StorageAccessRequest, StorageAccessRule } from "./types.ts";

export function storageAccessPath(site: string, login: string): string {
  return `/sites/${encodeURIComponent(site)}/storage/home/${encodeURIComponent(login)}/access`;
}

/** The body of the call, for plans and dry runs. */
export function storageAccessBody(site: string, jobUid: number, ipv4: readonly string[]): StorageAccessRequest {
  return { ipv4: [...ipv4], termination: { job: jobUid, site } };
}

export async function listStorageAccess(
  client: Grid5000Client,
  site: string,
  login: string,
  signal?: AbortSignal,
): Promise<Record<string, StorageAccessRule>> {
  const { json } = await client.call({ method: "GET", path: storageAccessPath(site, login), signal });
  return (json ?? {}) as Record<string, StorageAccessRule>;
}

/** Grants NFS home access to `ipv4` until job `jobUid` ends; `login` defaults to the client's user. */
export async function grantHomeAccess(
  client: Grid5000Client,
  req: { site: string; jobUid: number; ipv4: readonly string[]; login?: string | undefined },
  signal?: AbortSignal,
): Promise<void> {
  const login = req.login ?? client.username;
  if (login === undefined) {
    throw new Grid5000Error("Granting NFS home access needs the Grid'5000 login; none was configured.", {
      reason: "bad-request",
    });
  }
  const body = storageAccessBody(req.site, req.jobUid, req.ipv4);
  const path = storageAccessPath(req.site, login);
  try {
    await client.call({ method: "POST", path, body, signal });
  } catch (err) {
    if (!isGrid5000Error(err) || !["server", "timeout", "unreachable"].includes(err.reason)) throw err;
    const rules = await listStorageAccess(client, req.site, login, signal);
    if (!Object.values(rules).some((rule) => sameRule(rule, body))) throw err;
    client.log(`The storage access call failed (${err.message}) but the rule exists: kept.`);
  }
  client.log(`Granted NFS home access to ${req.ipv4.length} addresses until job ${req.jobUid} ends.`);
}

function sameRule(rule: StorageAccessRule, body: StorageAccessRequest): boolean {
  const t = rule.termination as { job?: number; site?: string };
  const ips = new Set(rule.ipv4);
  return t.job === body.termination.job && t.site === body.termination.site && body.ipv4.every((ip) => ips.has(ip));
}
