/**
 * The sentiment function as a factory: GIRAFF's `fn_sentiment_analysis` (JSON `{text}` → sentence-averaged polarity),
 * with the AFINN lexicon instead of TextBlob so that it runs offline in Node. `createFunction(env)` reads
 * `MAX_TEXT_BYTES` from `env` only, so a dense host runs many instances in one process. See README.md here.
 */
import type { FunctionEnv, FunctionRequest, ServeOptions } from "../lib/contract.ts";
import { invalid, isJsonContent, json, parseJsonObject, type Reply } from "../lib/reply.ts";
import { analyse } from "./analyse.ts";

function jsonText(request: FunctionRequest, type: string | undefined): unknown {
  if (request.body.length > 0 && type !== undefined && !isJsonContent(type)) {
    throw invalid("content-type", "application/json or text/plain", type, 415);
  }
  return request.body.length === 0 ? undefined : parseJsonObject(request.body)["text"];
}

/** One sentiment instance. */
export function createFunction(env: FunctionEnv): ServeOptions {
  /** Longest text accepted, in bytes of UTF-8 (GIRAFF's sentiment SLA declares 4 KiB inputs; this leaves headroom). */
  const maxTextBytes = /^\d+$/.test(env["MAX_TEXT_BYTES"] ?? "") ? Number(env["MAX_TEXT_BYTES"]) : 65_536;

  /** The text to score: `{"text": "…"}` as JSON, or a `text/plain` body as is (what a speech-to-text hop may send). */
  function readText(request: FunctionRequest): string {
    const type = request.headers["content-type"];
    const value = /^text\/plain\b/i.test(type ?? "") ? request.body.toString("utf8") : jsonText(request, type);
    if (typeof value !== "string" || value.trim() === "") throw invalid("text", "a non-empty string", value ?? null);
    const bytes = Buffer.byteLength(value);
    if (bytes > maxTextBytes) throw invalid("text", `at most ${maxTextBytes} bytes of UTF-8`, `${bytes} bytes`, 413);
    return value;
  }

  function handle(request: FunctionRequest): Reply {
    const result = analyse(readText(request));
    return json(200, {
      polarity: result.polarity,
      sentence_count: result.sentence_count,
      sentences: result.sentences.map(({ polarity, score }) => ({ polarity, score })),
    });
  }

  // The body limit is the text limit plus room for the JSON around it; a bigger body is a 413 before parsing.
  return { handle, bodyLimit: maxTextBytes * 2 + 1024 };
}
