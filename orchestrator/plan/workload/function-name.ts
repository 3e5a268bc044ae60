/**
 * GIRAFF's encoded function names (giraff.md §12.1): the analysis recovers each function's parameters from its
 * name alone, `<fnName><yyyymmddHHMMSS>-i<index>-c<cpu>-m<mem>-l<latency>-a<arrival>-r<interval>-d<duration>`,
 * with the regex below. GIRAFF stamps the wall-clock time; we derive the stamp from the plan's fixed `epoch`, so a
 * plan is a pure function of its parameters.
 */

/** The analysis' regex, verbatim. */
export const GIRAFF_NAME_PATTERN = /(.+)-i(\d+)-c(\d+)-m(\d+)-l(\d+)-a(\d+)-r(\d+)-d(\d+)/;

export interface FunctionNameFields {
  /** Index of the chain among its target node's chains of the same pipeline. */
  index: number;
  /** Unscaled resources, as the pipeline states them. */
  cpuMilli: number;
  memoryMiB: number;
  latencyMs: number;
  arrivalS: number;
  requestIntervalMs: number;
  durationMs: number;
}

export interface ParsedFunctionName extends FunctionNameFields {
  /** Group 1 of the regex: the function's key and the timestamp. */
  prefix: string;
}

/** `yyyymmddHHMMSS` of an instant, in UTC (GIRAFF used the VM's local time, which was UTC on Grid'5000). */
export function giraffTimestamp(epoch: string | number | Date): string {
  const d = new Date(epoch);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Expected an ISO date or epoch ms for \`epoch\`, got ${epoch}.`);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(d.getUTCFullYear()).padStart(4, "0")}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(
    d.getUTCHours(),
  )}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

export function encodeFunctionName(fnName: string, timestamp: string, f: FunctionNameFields): string {
  return (
    `${fnName}${timestamp}-i${f.index}-c${f.cpuMilli}-m${f.memoryMiB}-l${f.latencyMs}` +
    `-a${f.arrivalS}-r${f.requestIntervalMs}-d${f.durationMs}`
  );
}

/** The fields of an encoded name, as the analysis reads them; undefined when the name does not match. */
export function parseFunctionName(name: string): ParsedFunctionName | undefined {
  const m = GIRAFF_NAME_PATTERN.exec(name);
  if (m === null) return undefined;
  const n = (i: number) => Number(m[i]);
  return {
    prefix: m[1]!,
    index: n(2),
    cpuMilli: n(3),
    memoryMiB: n(4),
    latencyMs: n(5),
    arrivalS: n(6),
    requestIntervalMs: n(7),
    durationMs: n(8),
  };
}
