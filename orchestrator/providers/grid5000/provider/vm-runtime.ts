/**
 * The runtime on the VMs, as pure data and shell text: which processes each VM runs (the market on the root node's
 * VM, a fog node and its proxy on every fog VM, the IoT emulator on its own VM), the environment of each (read by
 * `runtime/<role>/cli.ts`), and the commands that start, check, stop and list them. Each VM keeps its files under
 * `<workDir>/<vm name>/`: `<role>.env`, `<role>.pid`, `ready/<role>`, `logs/`, `events/`.
 *
 * Processes are started detached (`setsid nohup`), each in its own process group, so stopping a role ends the
 * functions its node started too.
 */
import type { Topology } from "../../../../runtime/protocol/topology.ts";
import type { VmPlacement } from "../plan/index.ts";
import type { RuntimeSpec } from "../../types.ts";

export type Role = "market" | "node" | "proxy" | "iot";
export const PORTS = { node: 30003, faas: 31112, market: 30008, proxy: 3128, iot: 3003 } as const;

export interface VmProcess {
  role: Role;
  env: Record<string, string>;
}

export interface VmRuntimeOptions {
  workDir: string;
  repo: string;
  faas: string;
  run: string;
}

export const vmDir = (o: Pick<VmRuntimeOptions, "workDir">, vm: Pick<VmPlacement, "name">) => `${o.workDir}/${vm.name}`;

/** Where the market reads its operator token, written by the provider for each deployment (owner only). */
export const operatorTokenFile = (o: Pick<VmRuntimeOptions, "workDir">, vm: Pick<VmPlacement, "name">) =>
  `${vmDir(o, vm)}/operator-token`;

/** Where the market reads the public keys of the nodes the provider started: only those may register (owner only). */
export const pinnedKeysFile = (o: Pick<VmRuntimeOptions, "workDir">, vm: Pick<VmPlacement, "name">) =>
  `${vmDir(o, vm)}/pinned-keys.json`;

/** Where the market reads its X25519 private key (PKCS#8 PEM), drawn by the provider for each deployment (owner only). */
export const marketKeyFile = (o: Pick<VmRuntimeOptions, "workDir">, vm: Pick<VmPlacement, "name">) =>
  `${vmDir(o, vm)}/market-key.pem`;

/** Where a fog node reads its private key, made by the provider for each deployment (owner only). */
export const nodeKeyFile = (o: Pick<VmRuntimeOptions, "workDir">, vm: Pick<VmPlacement, "name">) =>
  `${vmDir(o, vm)}/node-key.pem`;

/** Where the fog-node image keeps its OpenFaaS gateway password (root only). */
export const OPENFAAS_PASSWORD_FILE = "/etc/giraff/openfaas-password";

/**
 * Every VM's processes, in start order within the VM (the market before the root node). With `keys`, the market
 * reads its X25519 key from {@link marketKeyFile} and every node pins its public half.
 */
export function vmProcesses(
  topology: Topology,
  vms: readonly VmPlacement[],
  runtime: RuntimeSpec,
  o: VmRuntimeOptions,
  keys?: { marketPublicKey: string },
): Map<string, VmProcess[]> {
  const ipOf = new Map(vms.map((v) => [v.vm, v.ip!]));
  const root = topology.nodes.find((n) => n.parent === null)!;
  const marketUrl = `http://${ipOf.get(root.id)}:${PORTS.market}`;
  const out = new Map<string, VmProcess[]>();
  for (const vm of vms) {
    const dir = vmDir(o, vm);
    const base = (role: Role, events: string) => ({
      GIRAFF_RUN: o.run,
      GIRAFF_EVENTS: `${dir}/events/${events}.jsonl`,
      GIRAFF_READY_FILE: `${dir}/ready/${role}`,
      GIRAFF_LOG_LEVEL: "warn",
    });
    if (vm.role === "iot") {
      out.set(vm.name, [
        { role: "iot", env: { ...base("iot", "iot"), GIRAFF_IOT_HOST: vm.ip!, GIRAFF_PROXY_PORT: `${PORTS.proxy}` } },
      ]);
      continue;
    }
    const node = topology.nodes.find((n) => n.id === vm.vm)!;
    const processes: VmProcess[] = [];
    if (node.parent === null) {
      processes.push({
        role: "market",
        env: {
          ...base("market", "market"),
          GIRAFF_MARKET_HOST: vm.ip!,
          GIRAFF_OPERATOR_TOKEN_FILE: operatorTokenFile(o, vm),
          GIRAFF_MARKET_PINNED_KEYS_FILE: pinnedKeysFile(o, vm),
          ...(keys === undefined ? {} : { GIRAFF_MARKET_AGREEMENT_KEY_FILE: marketKeyFile(o, vm) }),
          GIRAFF_STRATEGY: runtime.strategy,
          ...(runtime.marketRule === undefined ? {} : { GIRAFF_MARKET_RULE: runtime.marketRule }),
        },
      });
    }
    processes.push({
      role: "node",
      env: {
        ...base("node", `node-${node.name}`),
        GIRAFF_TOPOLOGY: `${dir}/topology.json`,
        GIRAFF_NODE_ID: node.id,
        GIRAFF_NODE_IP: vm.ip!,
        GIRAFF_NODE_KEY_FILE: nodeKeyFile(o, vm),
        ...(keys === undefined ? {} : { GIRAFF_MARKET_KEY: keys.marketPublicKey }),
        ...(node.parent === null
          ? { GIRAFF_MARKET_URL: marketUrl }
          : { GIRAFF_PARENT_URL: `http://${ipOf.get(node.parent)}:${PORTS.node}` }),
        GIRAFF_STRATEGY: runtime.strategy,
        GIRAFF_VALUATION: runtime.valuation,
        GIRAFF_REDUCTION: String(runtime.reduction),
        GIRAFF_LATENCY_MODEL: runtime.latencyModel,
        GIRAFF_FAAS: o.faas,
        // the image's openfaas-apply unit writes the gateway's password there (nix/fog-node.nix)
        ...(o.faas === "openfaas" ? { GIRAFF_FAAS_PASSWORD_FILE: OPENFAAS_PASSWORD_FILE } : {}),
        GIRAFF_LOGS_DIR: `${dir}/logs/functions`,
      },
    });
    processes.push({
      role: "proxy",
      env: { ...base("proxy", `proxy-${node.name}`), GIRAFF_PROXY_HOST: vm.ip!, GIRAFF_NODE_NAME: node.name },
    });
    out.set(vm.name, processes);
  }
  return out;
}

const quote = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;

/** The role's environment file, in the `KEY='value'` form both `sh` and systemd's `EnvironmentFile` read. */
export const envFileText = (p: VmProcess) =>
  Object.entries(p.env)
    .map(([k, v]) => `${k}=${quote(v)}\n`)
    .join("");

/** Starts one role detached, logging to `logs/<role>.log`; returns at once. */
export function startCommand(o: VmRuntimeOptions, vm: Pick<VmPlacement, "name">, role: Role): string {
  const dir = vmDir(o, vm);
  return (
    `cd ${quote(o.repo)} && set -a && . ${dir}/${role}.env && set +a && ` +
    `(setsid nohup node --import tsx runtime/${role}/cli.ts > ${dir}/logs/${role}.log 2>&1 < /dev/null & ` +
    `echo $! > ${dir}/${role}.pid)`
  );
}

/** Stops every role of the VM (SIGTERM to each process group, SIGKILL after 10 s); nothing running is fine. */
export function stopCommand(o: VmRuntimeOptions, vm: Pick<VmPlacement, "name">): string {
  const dir = vmDir(o, vm);
  return [
    `pids=""; for f in ${dir}/*.pid; do [ -f "$f" ] || continue; p=$(cat "$f")`,
    `  [ -n "$p" ] && { kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; pids="$pids $p"; }; done`,
    `i=0; while [ $i -lt 100 ]; do alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done`,
    `  [ -z "$alive" ] && break; sleep 0.1; i=$((i+1)); done`,
    `for p in $pids; do kill -KILL -- "-$p" 2>/dev/null; done; rm -f ${dir}/*.pid; true`,
  ].join("\n");
}

/** Empties the VM's run files (after a stop), so the next run's events start from nothing. */
export const cleanCommand = (o: VmRuntimeOptions, vm: Pick<VmPlacement, "name">) => {
  const dir = vmDir(o, vm);
  return `rm -rf ${dir}/events ${dir}/logs ${dir}/ready && mkdir -p ${dir}/events ${dir}/logs ${dir}/ready`;
};

/** Exit 0 when every role is ready, 1 while one is starting, 3 (naming it) when one has died. */
export function readyCommand(o: VmRuntimeOptions, vm: Pick<VmPlacement, "name">, roles: readonly Role[]): string {
  const dir = vmDir(o, vm);
  return [
    `for r in ${roles.join(" ")}; do`,
    `  [ -s ${dir}/ready/$r ] && continue`,
    `  p=$(cat ${dir}/$r.pid 2>/dev/null)`,
    `  if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then echo "$r exited:"; tail -n 20 ${dir}/logs/$r.log 2>/dev/null; exit 3; fi`,
    `  exit 1`,
    `done`,
  ].join("\n");
}

/** The run's files on the VM, one relative path per line (`events/…`, `logs/…`). */
export const listRunFilesCommand = (o: VmRuntimeOptions, vm: Pick<VmPlacement, "name">) =>
  `cd ${vmDir(o, vm)} && find events logs -type f 2>/dev/null || true`;
