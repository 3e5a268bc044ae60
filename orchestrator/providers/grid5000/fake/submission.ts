/**
 * A job submission read as the real app validates it (grid5000.md §1.4), then as OAR's `oarsub` admits it
 * (admission.ts): `command` is required unless the job is an advance reservation (the app's own check and
 * wording), `resources` defaults to `nodes=1`, the queue must exist, types, project and properties pass OAR's
 * rules. Errors carry the real wording, so the client's error mapping is tested against realistic texts.
 */
import { admitProject, admitTypes, oarsubRefusal, propertyFilter, type AdmissionOptions } from "./admission.ts";
import { FakeHttpError } from "./http-error.ts";
import type { FakeJob } from "./job-json.ts";
import { parseResources } from "./oar-resources.ts";
import { parseReservation } from "./reservation.ts";

const QUEUES = ["default", "production", "testing", "besteffort", "admin"];
const INVALID = "The job you are trying to submit is not valid:";

export type SubmissionFields = Pick<
  FakeJob,
  "name" | "project" | "queue" | "types" | "command" | "properties" | "request" | "reservationStart"
> & {
  /** Which nodes the job's `properties` allow. */
  usable: (host: string, cluster: string) => boolean;
};

export function parseSubmission(
  user: string,
  body: unknown,
  nowS: number,
  admission: AdmissionOptions = {},
): SubmissionFields {
  if (typeof body !== "object" || body === null) throw new FakeHttpError(400, `${INVALID} the body must be an object.`);
  const b = body as Record<string, unknown>;
  const reservationStart = b["reservation"] === undefined ? undefined : parseReservation(b["reservation"], nowS);
  if ((typeof b["command"] !== "string" || b["command"] === "") && reservationStart === undefined) {
    throw new FakeHttpError(400, `${INVALID} you must give a :command to execute on launch`);
  }
  const request = parseResources(typeof b["resources"] === "string" ? b["resources"] : "nodes=1");
  if (typeof request === "string") throw new FakeHttpError(400, `${INVALID} ${request}`);
  const text = (key: string) => (typeof b[key] === "string" ? (b[key] as string) : undefined);
  const queue = text("queue") ?? "default";
  if (!QUEUES.includes(queue)) throw oarsubRefusal([`ERROR : The queue ${queue} does not exist`], -8);
  const types = Array.isArray(b["types"]) ? b["types"].map(String) : [];
  admitTypes(types, request.walltimeS);
  const project = admitProject(user, text("project"), admission);
  const properties = text("properties") ?? "";
  return {
    name: text("name") ?? null,
    project,
    queue,
    types,
    command: text("command") ?? "",
    properties,
    request,
    reservationStart,
    usable: propertyFilter(properties),
  };
}
