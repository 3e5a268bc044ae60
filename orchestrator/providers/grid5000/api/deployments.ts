/**
 * kadeploy through the API (grid5000.md §1.6): submit, poll until the deployment is no longer processing, and
 * report per node, because `terminated` only means done: some nodes can still be KO. Results are collected per
 * host (STYLE.md principle 9); one error names the failed hosts unless `continueOnError` is set.
 */
import { backoffDelays } from "../../../../runtime/util/backoff.ts";
import type { Grid5000Client } from "./client.ts";
import { Grid5000Error } from "./errors.ts";
import type { Deployment, DeploymentSubmission } from "./types.ts";

export interface NodeDeployment {
  host: string;
  ok: boolean;
  /** kadeploy's `OK`/`KO`, or `canceled`/`error` when the whole deployment ended so. */
  state: string;
}

export interface DeploymentResult {
  uid: string;
  status: Deployment["status"];
  nodes: NodeDeployment[];
  ok: NodeDeployment[];
  failed: NodeDeployment[];
}

export interface DeployOptions {
  signal?: AbortSignal | undefined;
  /** Return the results even when nodes failed, instead of throwing. */
  continueOnError?: boolean;
}

export async function deployEnvironment(
  client: Grid5000Client,
  site: string,
  submission: DeploymentSubmission,
  opts: DeployOptions = {},
): Promise<DeploymentResult> {
  const base = `/sites/${encodeURIComponent(site)}/deployments`;
  // Not retried and not looked up: a deployment has no name to find it by, and redeploying is safe for the caller.
  const { json } = await client.call({ method: "POST", path: base, body: submission, signal: opts.signal });
  let deployment = json as Deployment;
  client.log(`Deployment ${deployment.uid} of ${submission.environment} on ${submission.nodes.length} nodes started.`);
  const delays = backoffDelays(client.poll);
  while (deployment.status === "waiting" || deployment.status === "processing") {
    try {
      await client.effects.sleep(delays.next().value, opts.signal);
    } catch (cause) {
      await client.call({ method: "DELETE", path: `${base}/${deployment.uid}` }).catch(() => undefined);
      throw new Grid5000Error(`Deployment ${deployment.uid} was cancelled.`, {
        reason: "cancelled",
        deploymentUid: deployment.uid,
        cause,
      });
    }
    deployment = (await client.call({ method: "GET", path: `${base}/${deployment.uid}`, signal: opts.signal }))
      .json as Deployment;
  }
  const result = resultOf(deployment, submission.nodes);
  client.log(`Deployment ${result.uid} ${result.status}: ${result.ok.length} OK, ${result.failed.length} KO.`);
  if (result.failed.length > 0 && !opts.continueOnError) {
    const hosts = result.failed.map((n) => n.host);
    throw new Grid5000Error(
      `Deployment ${result.uid} of ${submission.environment} ended ${result.status} with ${hosts.length} of ` +
        `${result.nodes.length} nodes failed: ${hosts.join(", ")}.`,
      { reason: "deployment-failed", deploymentUid: result.uid, failedHosts: hosts },
    );
  }
  return result;
}

/** Per-node results: `result` when kadeploy reported, otherwise every node takes the deployment's final status. */
export function resultOf(deployment: Deployment, requested: readonly string[]): DeploymentResult {
  const hosts = deployment.nodes.length > 0 ? deployment.nodes : [...requested];
  const nodes = hosts.map((host) => {
    const state = deployment.result?.[host]?.state ?? deployment.status;
    return { host, ok: state === "OK", state };
  });
  return {
    uid: deployment.uid,
    status: deployment.status,
    nodes,
    ok: nodes.filter((n) => n.ok),
    failed: nodes.filter((n) => !n.ok),
  };
}
