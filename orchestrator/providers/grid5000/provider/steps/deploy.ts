/**
 * deploy ─► stop + clean ─► keys and secrets of this deployment ─► topology.json, <role>.env ─► market, nodes,
 *           proxies, IoT ─► ready files ─► tunnels to the market and the IoT emulator ─► every node registered
 *
 * Each deployment draws its own secrets, known to the VMs that need them and to this campaign only: the market's
 * operator token; a key per node, pinned at the market (no other node can join); the market's X25519 key, whose
 * private half only the market's VM gets and whose public half every node pins (a relay cannot put itself between
 * a node and the market), as the local launcher does.
 */
import { pollUntil, RetryGaveUp } from "../../../../../runtime/util/retry.ts";
import { request } from "../../../../../runtime/http/client.ts";
import { generateAgreementKeys } from "../../../../../runtime/protocol/bid-mac.ts";
import { generateNodeKeyPem } from "../../../../../runtime/protocol/signing.ts";
import { randomSecret } from "../../../../../runtime/util/secrets.ts";
import type { Endpoints, RuntimeSpec, StepContext } from "../../../types.ts";
import type { VmPlacement } from "../../plan/index.ts";
import type { ProviderContext } from "../context.ts";
import { Grid5000ProviderError } from "../errors.ts";
import { saveState, type Grid5000State } from "../state.ts";
import {
  cleanCommand,
  envFileText,
  marketKeyFile,
  nodeKeyFile,
  operatorTokenFile,
  pinnedKeysFile,
  PORTS,
  readyCommand,
  startCommand,
  vmDir,
  vmProcesses,
  type Role,
} from "../vm-runtime.ts";

export async function deploy(
  c: ProviderContext,
  state: Grid5000State,
  runtime: RuntimeSpec,
  ctx: StepContext,
): Promise<{ state: Grid5000State; endpoints: Endpoints }> {
  ctx.progress("deploy");
  const spec = c.specFor("deploys");
  const vms = c.vmsOf(state);
  const { ssh } = await c.vms(state);
  await c.stopRuntime(state, ctx.signal);
  state = saveState({ ...state, dirty: true });
  const operatorToken = randomSecret();
  const nodeKeys = new Map(spec.topology.nodes.map((n) => [n.id, generateNodeKeyPem()]));
  const pinnedKeys = JSON.stringify(Object.fromEntries([...nodeKeys].map(([id, k]) => [id, k.publicKey])));
  const marketKey = generateAgreementKeys();
  const marketKeyPem = marketKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const plan = vmProcesses(
    spec.topology,
    vms,
    runtime,
    { ...c.rt, run: runtime.run ?? c.rt.run },
    { marketPublicKey: marketKey.publicKey },
  );
  const topology = Buffer.from(JSON.stringify(spec.topology));
  ctx.log(`deploy: ${runtime.strategy} on ${vms.length} VMs`);
  const secret = (ip: string, content: string, path: string) =>
    ssh.put(c.host(ip), Buffer.from(content), path, { signal: ctx.signal, mode: 0o600 });
  await c.eachVm(vms, async (vm) => {
    const ip = vm.ip!;
    const processes = plan.get(vm.name)!;
    await c.sshExec(state, ip, cleanCommand(c.rt, vm), ctx.signal);
    const dir = vmDir(c.rt, vm);
    await ssh.put(c.host(ip), topology, `${dir}/topology.json`, { signal: ctx.signal });
    if (processes.some((p) => p.role === "market")) {
      await secret(ip, operatorToken, operatorTokenFile(c.rt, vm));
      await secret(ip, pinnedKeys, pinnedKeysFile(c.rt, vm));
      await secret(ip, marketKeyPem, marketKeyFile(c.rt, vm));
    }
    const nodeKey = nodeKeys.get(vm.vm);
    if (nodeKey !== undefined && processes.some((p) => p.role === "node")) {
      await secret(ip, nodeKey.privateKeyPem, nodeKeyFile(c.rt, vm));
    }
    for (const p of processes) {
      await secret(ip, envFileText(p), `${dir}/${p.role}.env`);
      await c.sshExec(state, ip, startCommand(c.rt, vm, p.role), ctx.signal);
    }
  });
  await c.eachVm(vms, (vm) =>
    waitReady(
      c,
      state,
      vm,
      plan.get(vm.name)!.map((p) => p.role),
      ctx,
    ),
  );
  const root = spec.topology.nodes.find((n) => n.parent === null)!;
  const rootVm = vms.find((v) => v.vm === root.id)!;
  const iotVm = vms.find((v) => v.role === "iot")!;
  // a tunnel that drops (SSH connection lost: laptop asleep, gateway restarted) fails the run through `lost`,
  // rather than leaving the replay to send into a closed port; the campaign's --retries deploys again
  const lost = new AbortController();
  const onDrop = (err: Error) => lost.abort(err);
  c.tunnels = [
    await ssh.tunnel(c.host(rootVm.ip!), PORTS.market, { remoteHost: rootVm.ip!, signal: ctx.signal, onDrop }),
    await ssh.tunnel(c.host(iotVm.ip!), PORTS.iot, { remoteHost: iotVm.ip!, signal: ctx.signal, onDrop }),
  ];
  const endpoints: Endpoints = {
    marketUrl: `http://127.0.0.1:${c.tunnels[0]!.localPort}`,
    iotUrl: `http://127.0.0.1:${c.tunnels[1]!.localPort}`,
    operatorToken,
    lost: lost.signal,
  };
  await waitRegistered(c, endpoints, spec.topology.nodes.length, ctx);
  ctx.log(`deploy: ${spec.topology.nodes.length} nodes registered with the market`);
  return { state: c.done(state, "deploy"), endpoints };
}

/** Polls the VM's ready files until every role is ready; a role that died fails at once, with its log's tail. */
async function waitReady(
  c: ProviderContext,
  state: Grid5000State,
  vm: VmPlacement,
  roles: Role[],
  ctx: StepContext,
): Promise<void> {
  // exit 0: every role ready; 1: not yet; 3: a role's process exited (its log's tail on stdout); else a failure
  const ready = () =>
    c
      .sshExec(state, vm.ip!, readyCommand(c.rt, vm, roles), ctx.signal, c.t.readyCheckMs)
      .then(() => true)
      .catch((err: unknown) => {
        const e = err as { exitCode?: number; stdoutTail?: string };
        if (e.exitCode === 3) {
          throw new Grid5000ProviderError(`On VM ${vm.name}, ${e.stdoutTail?.trim() ?? "a process exited"}`, {
            reason: "not-ready",
            cause: err,
          });
        }
        if (e.exitCode !== 1) throw err;
        return false;
      });
  await pollUntil(ready, { ...c.poll(c.t.readyMs, c.t.readyPollMs, ctx), retryable: () => false }).catch(
    (err: unknown) => {
      if (!(err instanceof RetryGaveUp)) throw err;
      throw new Grid5000ProviderError(`The runtime on VM ${vm.name} was not ready within ${c.t.readyMs} ms.`, {
        reason: "not-ready",
        cause: err,
      });
    },
  );
}

/** Polls the market's full listing (the operator's view) until every node of the topology is in it. */
async function waitRegistered(
  c: ProviderContext,
  endpoints: Endpoints,
  expected: number,
  ctx: StepContext,
): Promise<void> {
  const headers = { authorization: `Bearer ${endpoints.operatorToken}` };
  let count = 0;
  const allRegistered = async () => {
    const answer = await request(`${endpoints.marketUrl}/api/fog`, {
      headers,
      timeoutMs: c.t.httpMs,
      signal: ctx.signal,
    }).catch(() => undefined);
    count = answer?.status === 200 ? (answer.json() as unknown[]).length : 0;
    return count >= expected;
  };
  await pollUntil(allRegistered, c.poll(c.t.readyMs, c.t.registeredPollMs, ctx)).catch((err: unknown) => {
    if (!(err instanceof RetryGaveUp)) throw err;
    throw new Grid5000ProviderError(`Only ${count} of ${expected} nodes registered with the market in time.`, {
      reason: "not-ready",
      cause: err,
    });
  });
}
