/**
 * A job submission read as the real app validates it (grid5000.md §1.4): `command` is required unless the job is
 * an advance reservation, `resources` defaults to `nodes=1`, `queue` is one of OAR's queues; errors carry the
 * app's wording so that the client's error mapping is tested against realistic texts.
 */
import { FakeHttpError } from "./http-error.ts";
import type { FakeJob } from "./job-json.ts";
import { parseResources } from "./oar-resources.ts";
import { parseReservation } from "./reservation.ts";

const QUEUES = ["default", "production", "testing", "besteffort", "admin"];
const INVALID = "The job you are trying to submit is not valid:";

export type SubmissionFields = Pick<
  FakeJob,
  "name" | "project" | "queue" | "types" | "command" | "properties" | "request" | "reservationStart"
>;

export function parseSubmission(body: unknown, nowS: number): SubmissionFields {
  if (typeof body !== "object" || body === null) throw new FakeHttpError(400, `${INVALID} the body must be an object.`);
  const b = body as Record<string, unknown>;
  const reservationStart = b["reservation"] === undefined ? undefined : parseReservation(b["reservation"], nowS);
  if (b["command"] === undefined && reservationStart === undefined) {
    throw new FakeHttpError(400, `${INVALID} a \`command\` is required unless you give a \`reservation\`.`);
  }
  const request = parseResources(typeof b["resources"] === "string" ? b["resources"] : "nodes=1");
  if (typeof request === "string") throw new FakeHttpError(400, `${INVALID} ${request}`);
  const queue = typeof b["queue"] === "string" ? b["queue"] : "default";
  if (!QUEUES.includes(queue)) throw new FakeHttpError(400, `${INVALID} unknown queue ${queue}.`);
  const text = (key: string, fallback: string) => (typeof b[key] === "string" ? (b[key] as string) : fallback);
  return {
    name: typeof b["name"] === "string" ? b["name"] : null,
    project: text("project", "default"),
    queue,
    types: Array.isArray(b["types"]) ? b["types"].map(String) : [],
    command: text("command", ""),
    properties: text("properties", ""),
    request,
    reservationStart,
  };
}
