/**
 * The workload plan's JSON shape (DESIGN.md §3.4), as one zod schema from which the TypeScript types derive: the
 * generator produces it, `loadPlan` validates it, the replayer consumes it. A plan is generated once per variation
 * and replayed identically for every strategy, so everything the replay needs is in it, resolved.
 */
import { z } from "zod";
import { id } from "../../../runtime/protocol/validate.ts";
import { LATENCY_CLASS_NAMES } from "./latency-classes.ts";
import { LATENCY_LAWS } from "./laws/latency.ts";
import { pipelineSchema } from "./pipeline-file.ts";

export const PLAN_VERSION = 1;

const positiveInt = (rule: string) => z.number({ error: rule }).int({ error: rule }).positive({ error: rule });
const nonNegativeInt = (rule: string) => z.number({ error: rule }).int({ error: rule }).min(0, { error: rule });
const positive = (rule: string) => z.number({ error: rule }).positive({ error: rule });
const nonNegative = (rule: string) => z.number({ error: rule }).min(0, { error: rule });

/** The laws and constants a plan was drawn with (GIRAFF's variables in comments). */
export const workloadLawsSchema = z
  .object({
    /** How the Gamma's second number is read (see laws/gamma.ts). */
    gammaParameterisation: z.enum(["scale", "rate"], { error: "`scale` or `rate`" }),
    gammaShape: positive("a positive Gamma shape"),
    gammaValue: positive("a positive Gamma scale or rate"),
    /** `gamma` (GIRAFF since 2024) or `log-normal` (the 2023 Azure fit, laws/log-normal.ts). */
    intervalLaw: z.enum(["gamma", "log-normal"], { error: "`gamma` or `log-normal`" }),
    logNormalMu: z.number({ error: "a number" }),
    logNormalSigma: positive("a positive σ"),
    /** ARRIVAL_REQUEST_MULTIPLIER, DURATION_MULTIPLIER. */
    arrivalRequestMultiplier: positive("a positive multiplier"),
    durationMultiplier: positive("a positive multiplier"),
    /** FUNCTION_COLD_START_OVERHEAD, FUNCTION_STOP_OVERHEAD, FUNCTION_MIN_DURATION (ms). */
    coldStartOverheadMs: nonNegative("a non-negative number of ms"),
    stopOverheadMs: nonNegative("a non-negative number of ms"),
    minDurationMs: nonNegative("a non-negative number of ms"),
    /** LOW_LATENCY, HIGH_LATENCY, … (ms). */
    latencyClasses: z.object(
      Object.fromEntries(LATENCY_CLASS_NAMES.map((c) => [c, positive("a positive number of ms")])) as Record<
        (typeof LATENCY_CLASS_NAMES)[number],
        z.ZodNumber
      >,
    ),
    latencyLaw: z.enum(LATENCY_LAWS, { error: `one of ${LATENCY_LAWS.join(", ")}` }),
    studentTBuckets: z.object({
      df: positive("positive degrees of freedom"),
      tailShare: positive("a share between 0 and 0.5").max(0.5, { error: "a share between 0 and 0.5" }),
      cutoff: positive("a positive |t| cut-off").optional(),
      lowMs: positive("a positive number of ms"),
      normalMs: positive("a positive number of ms"),
      dontCareMs: positive("a positive number of ms"),
    }),
    /** [paper] scale mem and cpu by expected interval / interval when above 1. */
    resourceScaling: z.boolean({ error: "true or false" }),
    /** [HEAD] each function's interval is at least its pipeline's expected interval. */
    intervalAtLeastExpected: z.boolean({ error: "true or false" }),
    /** [paper] every SLA asks for this many replicas (`maxReplica: 1`); undefined = the pipeline's. */
    fixedReplicas: nonNegativeInt("a non-negative integer").optional(),
  })
  .strict();

export const planFunctionSchema = z
  .object({
    /** Position in the chain, from 0. */
    index: nonNegativeInt("a non-negative integer"),
    /** GIRAFF's encoded name (function-name.ts); the SLA's `functionLiveName`. */
    name: z.string().min(1).max(256, { error: "a name of at most 256 characters" }),
    image: z.string().min(1, { error: "a non-empty image name" }),
    memoryMiB: positiveInt("a positive integer number of MiB"),
    cpuMilli: positiveInt("a positive integer number of millicpu"),
    latencyMaxMs: positiveInt("a positive integer number of ms"),
    inputMaxSize: z.string().min(1),
    replicas: nonNegativeInt("a non-negative integer"),
    /** Pairs, in the SLA's wire form. `<<VAR>>` values are read from the environment at replay. */
    envVars: z.array(z.tuple([z.string().min(1), z.string()])),
    envProcess: z.string().optional(),
    /** This function's request interval (ms): the chain's, or raised to the pipeline's expected interval [HEAD]. */
    requestIntervalMs: positiveInt("a positive integer number of ms"),
  })
  .strict();

export const planChainSchema = z
  .object({
    id: z.string().regex(/^[\w.-]{1,200}$/, { error: "a chain id of letters, digits, `.`, `_` or `-`" }),
    pipeline: z.string().min(1),
    /** Index of the chain among its target's chains of this pipeline (the `-i` of the names). */
    chainIndex: nonNegativeInt("a non-negative integer"),
    targetNodeId: id,
    targetNodeName: z.string().min(1),
    /** Seconds after the replay starts. */
    arrivalS: nonNegativeInt("a non-negative integer number of seconds"),
    /** What the IoT source uses: the first function's interval (ms). */
    requestIntervalMs: positiveInt("a positive integer number of ms"),
    /** The reservation of every function of the chain (ms), overheads included. */
    durationMs: positiveInt("a positive integer number of ms"),
    content: z.enum(["image", "audio", "ping"], { error: "one of image, audio, ping" }),
    functions: z.array(planFunctionSchema).min(1, { error: "at least one function" }),
  })
  .strict();

export const planParamsSchema = z
  .object({
    variant: z.enum(["head", "paper"], { error: "`head` or `paper`" }),
    experimentDurationS: positiveInt("a positive integer number of seconds"),
    /** The instant the names' timestamps are derived from (ISO 8601). */
    epoch: z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: "an ISO 8601 date" }),
    chainsPerTargetPerPipeline: z.record(z.string(), nonNegativeInt("a non-negative integer")),
    laws: workloadLawsSchema,
    pipelines: z.array(pipelineSchema),
    topology: z.string().optional(),
  })
  .strict();

export const planSchema = z
  .object({
    version: z.literal(PLAN_VERSION, { error: `the plan format version ${PLAN_VERSION}` }),
    seed: z.union([z.string(), z.number()], { error: "a string or a number" }),
    /** Informational only: never part of what is drawn. */
    generatedAt: z.string().optional(),
    params: planParamsSchema,
    chains: z.array(planChainSchema),
  })
  .strict();

export type WorkloadLaws = z.output<typeof workloadLawsSchema>;
export type PlanFunction = z.output<typeof planFunctionSchema>;
export type PlanChain = z.output<typeof planChainSchema>;
export type PlanParams = z.output<typeof planParamsSchema>;
export type Plan = z.output<typeof planSchema>;
