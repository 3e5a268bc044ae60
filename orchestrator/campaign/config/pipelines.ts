/**
 * The workload pipelines a campaign can name (giraff.md §8): GIRAFF's four Euro-Par chains, each counted per IoT
 * node by the variable GIRAFF gave it (`nbVarName`). Both image pipelines read `NB_IMAGE_FUNCTIONS` and both
 * audio pipelines `NB_AUDIO_FUNCTIONS`, as in GIRAFF. `giraff_app` is known only to explain that it cannot run:
 * its image was never published.
 */
import { CampaignConfigError } from "./errors.ts";
import type { Where } from "./strategies.ts";

export type ChainCountVariable = "NB_IMAGE_FUNCTIONS" | "NB_AUDIO_FUNCTIONS";

// prettier-ignore
export const PIPELINES = {
  "image-classification":        { countVariable: "NB_IMAGE_FUNCTIONS", content: "image" },
  "image-classification-higher": { countVariable: "NB_IMAGE_FUNCTIONS", content: "image" },
  "audio-sentiment":             { countVariable: "NB_AUDIO_FUNCTIONS", content: "audio" },
  "audio-sentiment-higher":      { countVariable: "NB_AUDIO_FUNCTIONS", content: "audio" },
} as const satisfies Record<string, { countVariable: ChainCountVariable; content: "image" | "audio" }>;

export type PipelineName = keyof typeof PIPELINES;
export const PIPELINE_NAMES = Object.keys(PIPELINES) as PipelineName[];

/**
 * A pipeline name from `PIPELINES` (ours) or from GIRAFF's `FUNCTION_DESCRIPTIONS`, where it is a file path such
 * as `pipelines/image-classification.json5` (the base name without extension is the pipeline).
 */
export function parsePipeline(text: string, where: Where): PipelineName {
  const name = text.replace(/^.*\//, "").replace(/\.json5?$/, "");
  if (Object.hasOwn(PIPELINES, name)) return name as PipelineName;
  if (name === "giraff_app") {
    throw new CampaignConfigError(
      { ...where, value: text, rule: `one of ${PIPELINE_NAMES.join(", ")}` },
      `${where.file}: \`${where.variable}\` names GIRAFF's giraff_app, which cannot be reproduced (its image ` +
        `giraff:giraff_app was never published); use the pipelines ${PIPELINE_NAMES.join(", ")} instead.`,
    );
  }
  const rule = `a space-separated list of pipelines among ${PIPELINE_NAMES.join(", ")}`;
  throw new CampaignConfigError({ ...where, value: text, rule });
}
