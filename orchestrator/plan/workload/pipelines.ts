/**
 * GIRAFF's Euro-Par pipelines as data (giraff.md §8): chains of three functions with their resources, latency
 * classes, input sizes, replicas, expected request intervals and request content, mapped onto the functions of
 * this repository. GIRAFF's Python/Rust functions are not ours; each is replaced by the folder that plays its role
 * on the local testbed, and the image names are configuration (`images`) because those folders evolve separately:
 *
 * | GIRAFF function                          | role             | our image (folder)                                 |
 * | ---------------------------------------- | ---------------- | -------------------------------------------------- |
 * | `fn_image_processing_pillow`             | `imageTransform` | `giraff:fn_image_transform` (functions/image-transform) |
 * | `fn_image_classification_squeezenet_cpu` | `busySpin`       | `giraff:fn_busy_spin` (functions/busy-spin, CPU-bound stand-in) |
 * | `fn_speech_recognition`                  | `busySpin`       | `giraff:fn_busy_spin`                              |
 * | `fn_sentiment_analysis`                  | `sentiment`      | `giraff:fn_sentiment` (functions/sentiment)        |
 * | `fn_echo`                                | `echo`           | `giraff:fn_echo` (functions/echo)                  |
 */
import type { LatencyClassName } from "./latency-classes.ts";

export type RequestContent = "image" | "audio" | "ping";

export interface PipelineFunction {
  /** GIRAFF's key of the function in its pipeline; the prefix of every generated function name. */
  name: string;
  /** The image the SLA asks for. */
  image: string;
  /** The GIRAFF image this function stands for (provenance only). */
  giraffImage?: string | undefined;
  memoryMiB: number;
  cpuMilli: number;
  latencyClass: LatencyClassName;
  /** Largest request payload, a GIRAFF quantity string (`"52 Kib"`, `"1500 B"`). */
  inputMaxSize: string;
  /** The request interval the resources were sized for, in ms. */
  expectedRequestIntervalMs: number;
  replicas: number;
  envProcess?: string | undefined;
  /** Values `<<random>>` become a seeded random integer at generation; `<<VAR>>` reads VAR at replay. */
  envVars: Record<string, string>;
}

export interface Pipeline {
  name: string;
  /** What the IoT emulator sends to the chain's first function. */
  content: RequestContent;
  /** GIRAFF's variable holding the number of chains per target node (`NB_IMAGE_FUNCTIONS`), for reference. */
  nbVarName?: string | undefined;
  /** The chain, in request order (GIRAFF writes it as `first` + `nextFunction` links). */
  functions: PipelineFunction[];
}

/** Which image plays each role; see the table above. */
export interface FunctionImages {
  imageTransform: string;
  busySpin: string;
  sentiment: string;
  echo: string;
}

export const DEFAULT_IMAGES: FunctionImages = Object.freeze({
  imageTransform: "giraff:fn_image_transform",
  busySpin: "giraff:fn_busy_spin",
  sentiment: "giraff:fn_sentiment",
  echo: "giraff:fn_echo",
});

export const PIPELINE_NAMES = [
  "image-classification",
  "audio-sentiment",
  "image-classification-higher",
  "audio-sentiment-higher",
] as const;
export type PipelineName = (typeof PIPELINE_NAMES)[number];

function fn(
  f: Omit<PipelineFunction, "envVars" | "replicas" | "inputMaxSize"> & Partial<PipelineFunction>,
): PipelineFunction {
  return { replicas: 1, inputMaxSize: "1500 B", envVars: {}, ...f };
}

/**
 * busy-spin stands in for GIRAFF's CPU-bound models. The Azure law it draws from describes whole functions across
 * a cloud (median 0.68 s, p99 166 s); scaled by 0.1 and capped at 1 s it matches a SqueezeNet inference on a fog
 * core (tens to hundreds of ms), by 0.3 and capped at 3 s a small speech-to-text model.
 */
const SQUEEZENET_LIKE = { EXECUTION_SCALE: "0.1", MAX_EXECUTION_MS: "1000" };
const SPEECH_LIKE = {
  EXECUTION_SCALE: "0.3",
  MAX_EXECUTION_MS: "3000",
  // the transcript the sentiment function scores: without a `text`, every audio chain's second hop answered 400
  REPLY_TEXT: "the morning is calm and the sensors report a pleasant day",
};

/** GIRAFF's four Euro-Par pipelines with our images (`images` overrides any role). */
export function giraffPipelines(images: Partial<FunctionImages> = {}): Pipeline[] {
  const img = { ...DEFAULT_IMAGES, ...images };
  const echo = (latencyClass: LatencyClassName) =>
    fn({
      name: "echo",
      image: img.echo,
      giraffImage: "giraff:fn_echo",
      memoryMiB: 40,
      cpuMilli: 10,
      latencyClass,
      expectedRequestIntervalMs: 100,
    });
  const image = (higher: boolean): Pipeline => ({
    name: higher ? "image-classification-higher" : "image-classification",
    content: "image",
    nbVarName: "NB_IMAGE_FUNCTIONS",
    functions: [
      fn({
        name: "imagePreProcessing",
        image: img.imageTransform,
        giraffImage: "giraff:fn_image_processing_pillow",
        memoryMiB: 120,
        cpuMilli: 100,
        inputMaxSize: "52 Kib",
        expectedRequestIntervalMs: 500,
        latencyClass: higher ? "SUPER_NO_LATENCY" : "LOW_LATENCY",
      }),
      fn({
        name: "classif",
        image: img.busySpin,
        giraffImage: "giraff:fn_image_classification_squeezenet_cpu",
        memoryMiB: higher ? 600 : 800,
        cpuMilli: higher ? 600 : 700,
        inputMaxSize: "16 KiB",
        replicas: 2,
        expectedRequestIntervalMs: 2000,
        envVars: SQUEEZENET_LIKE,
        latencyClass: higher ? "NO_LATENCY" : "HIGH_LATENCY",
      }),
      echo(higher ? "NO_LATENCY" : "HIGHER_LATENCY"),
    ],
  });
  const audio = (higher: boolean): Pipeline => ({
    name: higher ? "audio-sentiment-higher" : "audio-sentiment",
    content: "audio",
    nbVarName: "NB_AUDIO_FUNCTIONS",
    functions: [
      fn({
        name: "audioToText",
        image: img.busySpin,
        giraffImage: "giraff:fn_speech_recognition",
        memoryMiB: 1000,
        cpuMilli: 1000,
        inputMaxSize: "32 KiB",
        replicas: 2,
        expectedRequestIntervalMs: 3500,
        envVars: SPEECH_LIKE,
        latencyClass: higher ? "SUPER_NO_LATENCY" : "LOW_LATENCY",
      }),
      fn({
        name: "sentimentAnalysis",
        image: img.sentiment,
        giraffImage: "giraff:fn_sentiment_analysis",
        memoryMiB: 100,
        cpuMilli: 50,
        inputMaxSize: "4 KiB",
        expectedRequestIntervalMs: 200,
        latencyClass: higher ? "NO_LATENCY" : "HIGH_LATENCY",
      }),
      echo(higher ? "NO_LATENCY" : "HIGHER_LATENCY"),
    ],
  });
  return [image(false), audio(false), image(true), audio(true)];
}

/** One of GIRAFF's pipelines by name; an unknown name is an error listing the known ones. */
export function giraffPipeline(name: string, images: Partial<FunctionImages> = {}): Pipeline {
  const found = giraffPipelines(images).find((p) => p.name === name);
  if (found === undefined) {
    throw new RangeError(`Unknown pipeline \`${name}\`: expected one of ${PIPELINE_NAMES.join(", ")}.`);
  }
  return found;
}

/**
 * The pipeline with its busy-spin execution times multiplied by `factor`: each function's `EXECUTION_SCALE`, and its
 * cap `MAX_EXECUTION_MS`, so the law keeps its shape. On a small machine the whole fog network shares a few cores
 * with the functions; burning less keeps the nodes' event loops responsive, so measured latencies stay the emulated
 * network's.
 */
export function scaleExecution(pipeline: Pipeline, factor: number): Pipeline {
  if (factor === 1) return pipeline;
  const times = (value: string) => String(Number((Number(value) * factor).toPrecision(12)));
  return {
    ...pipeline,
    functions: pipeline.functions.map((f) => {
      const { EXECUTION_SCALE: scale, MAX_EXECUTION_MS: max } = f.envVars;
      if (scale === undefined) return f;
      const envVars: Record<string, string> = { ...f.envVars, EXECUTION_SCALE: times(scale) };
      if (max !== undefined) envVars["MAX_EXECUTION_MS"] = times(max);
      return { ...f, envVars };
    }),
  };
}
