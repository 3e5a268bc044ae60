// The audio pipeline's first two hops as the proxies chain them: the speech-to-text stand-in's answer, as is, is the
// sentiment function's request. Before REPLY_TEXT, the stand-in answered JSON without `text` and every audio chain's
// second hop was a 400.
import { describe, expect, it } from "vitest";
import { request } from "../runtime/http/client.ts";
import { giraffPipeline } from "../orchestrator/plan/workload/pipelines.ts";
import { startFunction } from "./lib/testing/function-process.ts";

describe("the audio-sentiment pipeline's functions", () => {
  it("feed each other: audioToText's answer is a request sentimentAnalysis accepts", async () => {
    const [speech, sentiment] = giraffPipeline("audio-sentiment").functions;
    const stt = await startFunction("busy-spin", { ...speech!.envVars, EXECUTION_SCALE: "0.001" });
    const sa = await startFunction("sentiment", sentiment!.envVars);
    const first = await request(`${stt.url}/`, { method: "POST", body: "RIFF…audio", timeoutMs: 30_000 });
    expect(first.status).toBe(200);
    const second = await request(`${sa.url}/`, {
      method: "POST",
      body: first.body,
      headers: { "content-type": first.headers["content-type"] ?? "" },
      timeoutMs: 30_000,
    });
    expect(second.status, second.text()).toBe(200);
  });
});
