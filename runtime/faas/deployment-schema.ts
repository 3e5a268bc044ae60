/**
 * Validation of `/system/functions` bodies at the embedded gateway's edge. Rules follow OpenFaaS and Kubernetes
 * (DNS-1123 names, string-valued env vars and labels, k8s quantities), so a body our gateway accepts is one real
 * OpenFaaS would accept too; a bad one becomes a 400 naming the field and the rule.
 */
import { z } from "zod";
import { SCALE_MAX_LABEL, SCALE_MIN_LABEL } from "./types.ts";

const NAME_RULE = "a DNS-1123 name: lower-case letters, digits and `-`, starting and ending alphanumeric, at most 63";
export const functionNameSchema = z
  .string({ error: NAME_RULE })
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: NAME_RULE });

const stringMap = (what: string) =>
  z.record(z.string(), z.string({ error: `${what} whose values are all strings` }), {
    error: `an object of ${what}`,
  });

const MEMORY_RULE = "a memory quantity such as `500M` or `128Mi`";
const CPU_RULE = "a CPU quantity such as `500m` or `0.5`";

// prettier-ignore
const MEMORY_UNITS: Record<string, number> = {
  "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** Bytes of a k8s memory quantity, or undefined when it is not one. */
export function parseMemoryQuantity(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  return m === null ? undefined : Number(m[1]) * MEMORY_UNITS[m[2] ?? ""]!;
}

/** Millicores of a k8s CPU quantity (`500m`, `0.5`, `2`), or undefined when it is not one. */
export function parseCpuQuantity(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  return m === null ? undefined : m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000;
}

const resources = z
  .object(
    {
      memory: z
        .string({ error: MEMORY_RULE })
        .refine((s) => parseMemoryQuantity(s) !== undefined, { error: MEMORY_RULE })
        .optional(),
      cpu: z
        .string({ error: CPU_RULE })
        .refine((s) => parseCpuQuantity(s) !== undefined, { error: CPU_RULE })
        .optional(),
    },
    { error: "an object `{memory, cpu}`" },
  )
  .nullish()
  .transform((r) => r ?? undefined);

const SCALE_RULE = 'a non-negative integer written as a string, such as `"1"`';

export const deploymentSchema = z.object({
  service: functionNameSchema,
  image: z.string({ error: "an image reference such as `giraff:fn_echo`" }).min(1, { error: "a non-empty image" }),
  namespace: z.string({ error: "a namespace name" }).optional(),
  envProcess: z.string({ error: "a command line" }).optional(),
  envVars: stringMap("environment variables").optional(),
  labels: stringMap("labels")
    .nullish()
    .transform((l) => l ?? undefined)
    .superRefine((labels, ctx) => {
      for (const key of [SCALE_MIN_LABEL, SCALE_MAX_LABEL]) {
        const value = labels?.[key];
        if (value !== undefined && !/^\d+$/.test(value))
          ctx.addIssue({ code: "custom", path: [key], message: SCALE_RULE });
      }
    }),
  annotations: stringMap("annotations")
    .nullish()
    .transform((a) => a ?? undefined),
  limits: resources,
  requests: resources,
  constraints: z.array(z.string()).optional(),
  secrets: z.array(z.string()).optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
});

export type ValidDeployment = z.output<typeof deploymentSchema>;

export const deleteRequestSchema = z.object({ functionName: functionNameSchema });
