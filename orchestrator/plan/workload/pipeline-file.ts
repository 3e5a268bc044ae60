/**
 * Pipelines from JSON files, validated with one zod schema. Defaults are those of GIRAFF's pipeline schema
 * (`testbed/function.py`: 256 MiB, 100 millicpu, `NO_LATENCY`, `"1500 B"`, expected interval 1000 ms, 1 replica),
 * so a file only states what differs. A wrong field is an error naming the file, the field and the rule.
 */
import { z } from "zod";
import { ProtocolError } from "../../../runtime/protocol/errors.ts";
import { tryParseQuantity } from "../../../runtime/protocol/quantities.ts";
import { readJsonFileWith } from "./json-file.ts";
import { LATENCY_CLASS_NAMES } from "./latency-classes.ts";
import type { Pipeline } from "./pipelines.ts";

const positiveInt = (rule: string) => z.number({ error: rule }).int({ error: rule }).positive({ error: rule });
const nameRule = "a name of letters, digits, `_` or `-`, starting with a letter (at most 64 characters)";

export const pipelineFunctionSchema = z
  .object({
    name: z.string({ error: nameRule }).regex(/^[A-Za-z][\w-]{0,63}$/, { error: nameRule }),
    image: z.string({ error: "a container image name" }).min(1, { error: "a non-empty container image name" }),
    giraffImage: z.string().optional(),
    memoryMiB: positiveInt("a positive integer number of MiB").default(256),
    cpuMilli: positiveInt("a positive integer number of millicpu").default(100),
    latencyClass: z
      .enum(LATENCY_CLASS_NAMES, { error: `one of ${LATENCY_CLASS_NAMES.join(", ")}` })
      .default("NO_LATENCY"),
    inputMaxSize: z
      .string({ error: "a memory quantity such as `52 Kib` or `1500 B`" })
      .refine((s) => (tryParseQuantity("memory", s) ?? 0) > 0, {
        error: "a positive memory quantity such as `52 Kib` or `1500 B`",
      })
      .default("1500 B"),
    expectedRequestIntervalMs: positiveInt("a positive integer number of ms").default(1000),
    replicas: z
      .number({ error: "an integer number of replicas between 0 and 1000" })
      .int({ error: "an integer number of replicas between 0 and 1000" })
      .min(0, { error: "an integer number of replicas between 0 and 1000" })
      .max(1000, { error: "an integer number of replicas between 0 and 1000" })
      .default(1),
    envProcess: z.string().optional(),
    envVars: z.record(z.string(), z.string({ error: "a string value" })).default({}),
  })
  .strict();

export const pipelineSchema = z
  .object({
    name: z.string({ error: nameRule }).regex(/^[A-Za-z][\w-]{0,63}$/, { error: nameRule }),
    content: z.enum(["image", "audio", "ping"], { error: "one of image, audio, ping" }),
    nbVarName: z.string().optional(),
    functions: z.array(pipelineFunctionSchema).min(1, { error: "at least one function" }).max(32),
  })
  .strict();

/** Cross-field rule: function names are unique within a pipeline (they prefix the generated names). */
export function checkPipeline(pipeline: Pipeline, root = ""): void {
  const seen = new Set<string>();
  pipeline.functions.forEach((f, i) => {
    if (seen.has(f.name)) {
      const field = [root, `functions.${i}.name`].filter((p) => p !== "").join(".");
      throw new ProtocolError({ field, rule: "a function name unique within its pipeline", value: f.name });
    }
    seen.add(f.name);
  });
}

/** Reads and validates one pipeline file. */
export function loadPipeline(path: string): Pipeline {
  return readJsonFileWith(pipelineSchema, path, "pipeline", (p) => checkPipeline(p));
}

/** Reads several pipeline files (GIRAFF's FUNCTION_DESCRIPTIONS); names must be unique across them. */
export function loadPipelines(paths: readonly string[]): Pipeline[] {
  const pipelines = paths.map(loadPipeline);
  const byName = new Map<string, string>();
  pipelines.forEach((p, i) => {
    const other = byName.get(p.name);
    if (other !== undefined) {
      throw new RangeError(`The pipeline files ${other} and ${paths[i]} both define the pipeline \`${p.name}\`.`);
    }
    byName.set(p.name, paths[i]!);
  });
  return pipelines;
}
