/**
 * `PUT /api/cron`: GIRAFF's job request (`reference/giraff.md` §10), validated at the edge into a fully defaulted
 * {@link CronConfig}. GIRAFF reads the misspelt `intialWaitMs` while its workload generator sends `initialWaitMs`
 * (so its initial wait is always 0); we accept both, and the correct spelling wins when both are present.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { MAX_TIMER_MS } from "../util/long-timeout.ts";
import { id, parseWith } from "../protocol/validate.ts";

export const CONTENTS = ["ping", "audio", "image"] as const;
export type Content = (typeof CONTENTS)[number];

const httpUrl = (example: string) => {
  const rule = `an absolute http(s) URL such as \`${example}\``;
  return z.string({ error: rule }).refine((s) => /^https?:$/.test(URL.canParse(s) ? new URL(s).protocol : ""), {
    error: rule,
  });
};
const millis = (min: number) => {
  // at most the longest delay a timer honours (about 24.8 days): the job arms timers with these
  const rule = `a number of milliseconds from ${min} to ${MAX_TIMER_MS}`;
  return z.number({ error: rule }).finite({ error: rule }).min(min, { error: rule }).max(MAX_TIMER_MS, { error: rule });
};

const cronRequestSchema = z.object({
  functionId: id,
  /** Unused by GIRAFF too; kept for wire compatibility. */
  iotUrl: z.string({ error: "a string" }).optional(),
  nodeUrl: httpUrl("http://10.0.0.2:31112/function/fogfn-<id>"),
  tags: z.string({ error: "a string" }).optional(),
  initialWaitMs: millis(0).optional(),
  intialWaitMs: millis(0).optional(),
  intervalMs: millis(1),
  durationMs: millis(1),
  firstNodeIp: z
    .string({ error: "an IP address such as `10.0.0.3`" })
    .refine((s) => isIP(s) !== 0, { error: "an IP address such as `10.0.0.3`" }),
  content: z.enum(CONTENTS, { error: "one of `ping`, `audio`, `image`" }),
});

export interface CronConfig {
  functionId: string;
  nodeUrl: string;
  tags: string;
  initialWaitMs: number;
  /** Mean gap between two requests. */
  intervalMs: number;
  durationMs: number;
  firstNodeIp: string;
  content: Content;
}

/** Validates a `PUT /api/cron` body; throws a ProtocolError naming the field and the rule. */
export function parseCronRequest(body: unknown): CronConfig {
  const r = parseWith(cronRequestSchema, body);
  return {
    functionId: r.functionId,
    nodeUrl: r.nodeUrl,
    tags: r.tags ?? "",
    initialWaitMs: r.initialWaitMs ?? r.intialWaitMs ?? 0,
    intervalMs: r.intervalMs,
    durationMs: r.durationMs,
    firstNodeIp: r.firstNodeIp,
    content: r.content,
  };
}
