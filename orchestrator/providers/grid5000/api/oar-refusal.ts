/**
 * OAR's refusal of a submission, found in a 400's text whatever wraps it (the app relays the OAR API's error as
 * `Request to … failed with status 400: <OAR API error>`, whose message holds oarsub's output): an admission rule
 * (`Admission Rule ERROR : [ADMISSION RULE] Error: …`), an unknown queue, a resource request SQL error (`Bad resource
 * request (…)`, e.g. a `properties` column that does not exist) or a request nothing matches (`There are not enough
 * resources for your request`). Gives the submission field concerned and OAR's rule in its own words.
 */

export interface OarRefusal {
  /** The submission field: `types`, `project`, `queue`, `properties`, `resources`, or `job` when unclear. */
  field: string;
  /** OAR's sentence. */
  rule: string;
}

/** The refusal in `text`, or undefined when the text is not one of oarsub's. */
export function findOarRefusal(text: string): OarRefusal | undefined {
  const output = unwrap(text);
  const admission = /Admission Rule ERROR\s*:\s*(?:\[ADMISSION RULE\]\s*)?(?:Error:\s*)?(.+)/i.exec(output)?.[1];
  if (admission !== undefined) return { field: admissionField(admission), rule: admission.trim() };
  const queue = /The queue (\S+) does not exist/.exec(output);
  if (queue !== null) return { field: "queue", rule: queue[0] };
  const sql = /Bad resource request \((.+)\)\s*$/m.exec(output)?.[1];
  if (sql !== undefined) {
    const field = /column/i.test(sql) ? "properties" : "resources";
    return { field, rule: `Bad resource request (${sql.replace(/\s+/g, " ").trim()})` };
  }
  if (/There are not enough resources for your request/.test(output)) {
    return {
      field: "resources",
      rule: "There are not enough resources for your request (no resources match `resources` and `properties` together)",
    };
  }
  return undefined;
}

/** oarsub's output, out of a JSON error message if the text carries one (its `\n` become line breaks). */
function unwrap(text: string): string {
  const start = text.indexOf("{");
  if (start >= 0) {
    try {
      const inner = (JSON.parse(text.slice(start)) as { message?: unknown }).message;
      if (typeof inner === "string") return inner;
    } catch {
      // not JSON after all
    }
  }
  return text.replace(/\\n/g, "\n");
}

function admissionField(rule: string): string {
  if (/job type|\btypes?\b|\bday\b|\bnight\b/i.test(rule)) return "types";
  if (/project/i.test(rule)) return "project";
  if (/queue/i.test(rule)) return "queue";
  if (/walltime|resource/i.test(rule)) return "resources";
  if (/propert/i.test(rule)) return "properties";
  return "job";
}
