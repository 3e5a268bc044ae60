/**
 * The fake's reference data (grid5000.md §1.3, §6.2): two sites, each with its own clusters and its own /14 from
 * which /22 subnets are reserved, as on the real platform: nancy (`gros`, 36 threads and 96 GiB as GIRAFF packs
 * against, and `grisou`) in 10.144.0.0/14, rennes (`paravance`, `parasilo`) in 10.156.0.0/14. Cluster sizes are
 * the real ones, rounded; node names follow `<cluster>-<n>.<site>.grid5000.fr`.
 */

export interface FakeCluster {
  uid: string;
  nodes: number;
  nbCores: number;
  nbThreads: number;
  ramBytes: number;
  queues: string[];
}

export interface FakeSite {
  uid: string;
  /** The site /14: `a.b.0.0/14`; its first three /16s are reservable, 64 /22s each. */
  g5ksubnet: { network: string; gateway: string };
  clusters: FakeCluster[];
}

const GiB = 1024 ** 3;
const QUEUES = ["admin", "default"];

export const NANCY: FakeSite = {
  uid: "nancy",
  g5ksubnet: { network: "10.144.0.0/14", gateway: "10.147.255.254" },
  clusters: [
    { uid: "gros", nodes: 124, nbCores: 18, nbThreads: 36, ramBytes: 96 * GiB, queues: QUEUES },
    { uid: "grisou", nodes: 51, nbCores: 16, nbThreads: 32, ramBytes: 128 * GiB, queues: QUEUES },
  ],
};

export const RENNES: FakeSite = {
  uid: "rennes",
  g5ksubnet: { network: "10.156.0.0/14", gateway: "10.159.255.254" },
  clusters: [
    { uid: "paravance", nodes: 72, nbCores: 16, nbThreads: 32, ramBytes: 128 * GiB, queues: QUEUES },
    { uid: "parasilo", nodes: 28, nbCores: 16, nbThreads: 32, ramBytes: 128 * GiB, queues: QUEUES },
  ],
};

/** The sites a fake serves unless told otherwise. */
export const DEFAULT_SITES: readonly FakeSite[] = [NANCY, RENNES];

export const fqdn = (cluster: string, n: number, site: string) => `${cluster}-${n}.${site}.grid5000.fr`;

/** All /22 subnets of the site, in the order the fake hands them out. */
export function siteSubnets(site: FakeSite): string[] {
  const [a, b] = site.g5ksubnet.network.split(".").map(Number) as [number, number];
  const out: string[] = [];
  for (let third = 0; third < 3; third++) for (let c = 0; c < 256; c += 4) out.push(`${a}.${b + third}.${c}.0/22`);
  return out;
}

const link = (rel: string, href: string, type = "application/vnd.grid5000.item+json") => ({ rel, href, type });

export function siteJson(site: FakeSite) {
  const self = `/stable/sites/${site.uid}`;
  return {
    uid: site.uid,
    name: site.uid[0]!.toUpperCase() + site.uid.slice(1),
    frontend_ip: "172.16.79.106",
    g5ksubnet: site.g5ksubnet,
    version: "0000000000000000000000000000000000000000",
    links: [
      link("self", self),
      link("parent", "/stable"),
      link("jobs", `${self}/jobs`, "application/vnd.grid5000.collection+json"),
      link("deployments", `${self}/deployments`, "application/vnd.grid5000.collection+json"),
      link("clusters", `${self}/clusters`, "application/vnd.grid5000.collection+json"),
    ],
  };
}

export function clusterJson(site: FakeSite, c: FakeCluster) {
  const self = `/stable/sites/${site.uid}/clusters/${c.uid}`;
  return {
    uid: c.uid,
    exotic: false,
    queues: c.queues,
    kavlan: true,
    version: "0000000000000000000000000000000000000000",
    links: [link("self", self), link("parent", `/stable/sites/${site.uid}`), link("nodes", `${self}/nodes`)],
  };
}

export function nodeJson(site: FakeSite, c: FakeCluster, n: number) {
  const uid = `${c.uid}-${n}`;
  return {
    uid,
    architecture: { nb_procs: 1, nb_cores: c.nbCores, nb_threads: c.nbThreads, platform_type: "x86_64" },
    main_memory: { ram_size: c.ramBytes },
    network_adapters: [
      { device: "eth0", interface: "Ethernet", mounted: true, network_address: fqdn(c.uid, n, site.uid) },
    ],
    supported_job_types: { deploy: true, virtual: "ivt" },
    version: "0000000000000000000000000000000000000000",
    links: [link("self", `/stable/sites/${site.uid}/clusters/${c.uid}/nodes/${uid}`)],
  };
}
