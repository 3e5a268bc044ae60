/**
 * The OpenFaaS gateway wire types a fog node uses, with the field names of OpenFaaS's own API spec
 * (`api-docs/spec.openapi.yml` in openfaas/faas), so that one client drives both real OpenFaaS on Grid'5000 and the
 * embedded gateway of the local testbed.
 */

/** Kubernetes-style quantities as strings: memory `"500M"`, CPU `"500m"` (GIRAFF sets requests = limits). */
export interface FunctionResources {
  memory?: string;
  cpu?: string;
}

/** Body of `POST /system/functions` (deploy) and `PUT /system/functions` (update). */
export interface FunctionDeployment {
  /** Function name, a DNS-1123 label; GIRAFF uses `fogfn-<slaId>`. */
  service: string;
  /** Container image; the embedded gateway maps it to a folder of `functions/`. */
  image: string;
  namespace?: string;
  /** The watchdog's `fprocess`. */
  envProcess?: string;
  envVars?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  limits?: FunctionResources;
  requests?: FunctionResources;
}

/** One entry of `GET /system/functions`. Unknown fields are kept by the client and ignored by callers. */
export interface FunctionStatus {
  name: string;
  image: string;
  namespace?: string;
  envProcess?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  limits?: FunctionResources;
  requests?: FunctionResources;
  invocationCount?: number;
  replicas?: number;
  availableReplicas?: number;
  createdAt?: string;
}

/** Body of `DELETE /system/functions`. */
export interface DeleteFunctionRequest {
  functionName: string;
}

/** The labels GIRAFF sets to the SLA's `replicas` (both to the same value). */
/**
 * How a fog node runs the functions placed on it: through an OpenFaaS gateway (K3s on a VM), in the node's own
 * gateway (function processes next to the node), or not at all (placement only). The node's CLI and the Grid'5000
 * settings both read it, so it lives here rather than in either.
 */
export const FAAS_MODES = ["openfaas", "embedded", "none"] as const;
export type FaasMode = (typeof FAAS_MODES)[number];

export const SCALE_MIN_LABEL = "com.openfaas.scale.min";
export const SCALE_MAX_LABEL = "com.openfaas.scale.max";

/** The namespace OpenFaaS deploys functions to when none is given. */
export const DEFAULT_NAMESPACE = "openfaas-fn";
