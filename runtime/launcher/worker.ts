/**
 * A node worker: one child process hosting a group of fog nodes (`host-nodes.ts`). Driven by the launcher over
 * IPC: `start` → `started` → `ready` (every node registered and measuring all its neighbours) … `stop` → `stopped`.
 * When the launcher goes away (Ctrl-C reaches both, or it is killed), the channel closes: the worker stops its nodes
 * and exits quietly, with no IPC error.
 */
import { parseTopology } from "../protocol/topology.ts";
import { hostNodes, type HostedNodes } from "./host-nodes.ts";
import type { FromWorker, ToWorker } from "./options.ts";

// Ctrl-C reaches the launcher and its workers together: the launcher may be gone (the channel closed) by the time
// a worker has stopped. Sending then emits ERR_IPC_CHANNEL_CLOSED, an uncaught error with a stack trace; with a
// callback the error goes to it instead, and a message nobody can receive any more is no failure.
const send = (m: FromWorker) => {
  if (process.connected) process.send?.(m, undefined, {}, () => undefined);
};
let hosted: HostedNodes | undefined;

process.on("message", (message: ToWorker) => {
  if (message.type === "start")
    void start(message).catch((err: unknown) =>
      send({ type: "failed", message: String((err as Error)?.stack ?? err) }),
    );
  else void stop();
});
process.on("disconnect", () => void stop());
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop());

async function start(msg: Extract<ToWorker, { type: "start" }>): Promise<void> {
  hosted = await hostNodes({
    topology: parseTopology(msg.topologyJson),
    nodeIds: msg.nodeIds,
    marketUrl: msg.marketUrl,
    options: msg.options,
    group: msg.worker,
    keys: msg.keys,
  });
  if (stopping !== undefined) return void (await hosted.stop());
  send({ type: "started", nodes: hosted.started });
  // a stop before ready ends the wait; the launcher's own timeout covers a group that never gets ready
  await hosted.whenReady().then(
    () => send({ type: "ready" }),
    () => undefined,
  );
}

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    await hosted?.stop();
    hosted = undefined;
    send({ type: "stopped" });
    // disconnecting twice emits ERR_IPC_DISCONNECTED
    if (process.connected) process.disconnect?.();
    process.exitCode = 0;
  })();
  return stopping;
}
