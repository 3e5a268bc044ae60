/**
 * The fake's site networks are the real ones (nancy 10.144.0.0/14, rennes 10.156.0.0/14), which a test machine
 * cannot reach. `onLoopback` moves a site's /14 onto a /14 of 127.0.0.0/8 with the same offsets, so a test can
 * serve the "VMs" of a reserved /22 with a real sshd listening on loopback addresses (127.140.0.2, …): the client
 * and the provider see one consistent network, only its first two bytes differ.
 */
import type { FakeSite } from "./fixtures.ts";

/** Site uid → the loopback /14 that stands for its network, e.g. `{ nancy: "127.140.0.0/14" }`. */
export type LoopbackMap = Readonly<Record<string, string>>;

/** The site with its /14 (network and gateway) moved to `loopback`; a sentence naming the field otherwise. */
export function onLoopback(site: FakeSite, loopback: string, field: string): FakeSite {
  const m = /^127\.(\d{1,3})\.0\.0\/14$/.exec(loopback);
  const second = m === null ? Number.NaN : Number(m[1]);
  if (!(second >= 0 && second <= 252 && second % 4 === 0)) {
    throw new Error(
      `Expected \`${field}\` to be a /14 inside 127.0.0.0/8 (127.<multiple of 4>.0.0/14), got ${JSON.stringify(loopback)}.`,
    );
  }
  // the gateway keeps its place in the /14 (the real ones are the /14's last host, x.(b+3).255.254)
  const [, , g3, g4] = site.g5ksubnet.gateway.split(".");
  return {
    ...site,
    g5ksubnet: { network: loopback, gateway: `127.${second + 3}.${g3}.${g4}` },
  };
}

/** The sites, with those named in `loopback` moved onto loopback; an unknown site name is an error. */
export function withLoopback(sites: readonly FakeSite[], loopback: LoopbackMap | undefined): FakeSite[] {
  if (loopback === undefined) return [...sites];
  for (const uid of Object.keys(loopback)) {
    if (!sites.some((s) => s.uid === uid)) {
      throw new Error(
        `Expected \`loopback.${uid}\` to name a site of the fake (${sites.map((s) => s.uid).join(", ")}), got ${uid}.`,
      );
    }
  }
  return sites.map((s) => (loopback[s.uid] === undefined ? s : onLoopback(s, loopback[s.uid]!, `loopback.${s.uid}`)));
}
