/**
 * How a GIRAFF fog node turns a paid SLA into an OpenFaaS deployment (`reference/giraff.md` §5.7), kept in one
 * place so that the node, the embedded gateway's tests and any tool that inspects a gateway agree on names and units.
 */
import { SCALE_MAX_LABEL, SCALE_MIN_LABEL, type FunctionDeployment } from "./types.ts";

/** The OpenFaaS (and k8s) name of the function provisioned for an SLA. */
export function functionName(slaId: string): string {
  return `fogfn-${slaId}`;
}

/** Memory as GIRAFF serialises it: decimal megabytes, rounded up, suffix `M` (`"500M"`). */
export function memoryQuantity(bytes: number): string {
  return `${Math.ceil(bytes / 1e6)}M`;
}

/** CPU as GIRAFF serialises it: millicores, rounded up, suffix `m` (`"500m"`). */
export function cpuQuantity(milliCpu: number): string {
  return `${Math.ceil(milliCpu)}m`;
}

export interface GiraffFunctionSpec {
  slaId: string;
  image: string;
  memoryBytes: number;
  milliCpu: number;
  replicas: number;
  /** The SLA's env vars plus what the node adds (`SLA`, `ID`, `NAME`, `GIRAFF_NODE_ID`, ...). */
  envVars: Record<string, string>;
  envProcess?: string | undefined;
}

/** The `POST /system/functions` body for one SLA: requests = limits, scale min = max = replicas. */
export function giraffDeployment(spec: GiraffFunctionSpec): FunctionDeployment {
  const resources = { memory: memoryQuantity(spec.memoryBytes), cpu: cpuQuantity(spec.milliCpu) };
  const replicas = String(spec.replicas);
  return {
    service: functionName(spec.slaId),
    image: spec.image,
    envVars: { ...spec.envVars },
    ...(spec.envProcess === undefined ? {} : { envProcess: spec.envProcess }),
    labels: { [SCALE_MIN_LABEL]: replicas, [SCALE_MAX_LABEL]: replicas },
    limits: { ...resources },
    requests: { ...resources },
  };
}
