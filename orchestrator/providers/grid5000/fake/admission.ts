/**
 * What OAR's `oarsub` checks before it accepts a job, as the fake's OAR applies it (the admission rules and the
 * resource request): job types from Grid'5000's list, the day/night types and their windows, the project, and
 * `properties` that must name resource columns and match some resource. A refusal is OAR's own output —
 * `Admission Rule ERROR : [ADMISSION RULE] Error: …` or oarsub's `Bad resource request (…)` and `There are not
 * enough resources for your request` — wrapped as the API wraps a failed oarsub (see {@link oarsubRefusal}).
 *
 * Checked against OAR's sources (the default job-type rule and its message, oarsub's texts and exit codes);
 * Grid'5000's own rules (day/night, project) are not public in the sources we read, so their sentences here are
 * ours, in OAR's form.
 */
import { formatWalltime, instantOf, wallClockAt } from "../api/oar-time.ts";
import { FakeHttpError } from "./http-error.ts";

/** Job types Grid'5000 accepts (OAR's defaults plus the platform's own); a `key=value` type matches by key. */
const TYPE_RULES: readonly RegExp[] = [
  /^deploy(?:=standby)?$/,
  /^destructive$/,
  /^night$/,
  /^day$/,
  /^besteffort$/,
  /^allow_classic_ssh$/,
  /^exotic$/,
  /^cosystem(?:=standby)?$/,
  /^container(?:=\w+)?$/,
  /^inner=\w+$/,
  /^noop(?:=standby)?$/,
  /^idempotent$/,
  /^timesharing=(?:(?:\*|user),(?:\*|name)|(?:\*|name),(?:\*|user))$/,
  /^placeholder=\w+$/,
  /^allowed=\w+$/,
  /^token:\w+=\d+$/,
  /^(?:postpone|deadline|expire)=\d{4}-\d\d-\d\d(?:\s+\d\d:\d\d(?::\d\d)?)?$/,
  /^monitor=.+$/,
  /^origin=.+$/,
];

/** OAR resource columns a `properties` filter may name (Grid'5000's, abridged to the common ones). */
const COLUMNS = new Set(
  (
    "cluster host network_address type cpuarch cputype cpufreq core_count cpucore memnode memcore memcpu nodemodel " +
    "gpu_count gpu_model gpu_mem disktype disk_reservation_count eth_count eth_rate ib ib_rate wattmeter virtual " +
    "deploy exotic production maintenance opa myri chassis site"
  ).split(" "),
);
const SQL_WORDS = new Set(["and", "or", "not", "in", "like", "is", "null", "true", "false"]);

export interface AdmissionOptions {
  /** Refuse a job without `project` (off by default: the app fills in the user's default project). */
  projectRequired?: boolean;
  /** Each user's projects; when a user is listed, `project` must be one of theirs (default: the first). */
  projects?: Record<string, string[]>;
}

/** The job's project as OAR records it, or OAR's refusal. */
export function admitProject(user: string, project: string | undefined, opts: AdmissionOptions): string {
  const mine = opts.projects?.[user];
  if (project === undefined) {
    if (opts.projectRequired) refuse(["a project is required: submit with `project` set to one of your projects"]);
    return mine?.[0] ?? "default";
  }
  if (mine !== undefined && !mine.includes(project)) {
    refuse([`you are not a member of the project ${project} (your projects: ${mine.join(", ") || "none"})`]);
  }
  return project;
}

/** Unknown types, and the day/night pair, are refused as OAR's admission rules do. */
export function admitTypes(types: readonly string[], walltimeS: number): void {
  for (const t of types) if (!TYPE_RULES.some((r) => r.test(t))) refuse([`unknown job type: ${t}`]);
  if (types.includes("day") && types.includes("night")) refuse(["a job cannot be of both types day and night"]);
  const longest = types.includes("day") ? DAY_S : types.includes("night") ? WEEKEND_NIGHT_S : undefined;
  if (longest !== undefined && walltimeS > longest) {
    const kind = types.includes("day") ? "day" : "night";
    refuse([
      `a job of type ${kind} must fit in one ${kind} slot (${kind === "day" ? "09:00-19:00 on working days" : "19:00-09:00, or Friday 19:00 to Monday 09:00"}): ` +
        `its walltime ${formatWalltime(walltimeS)} is longer than ${formatWalltime(longest)}`,
    ]);
  }
}

/** Whether a node may serve the job, from its `properties`; an unknown column is oarsub's SQL error. */
export function propertyFilter(properties: string): (host: string, cluster: string) => boolean {
  if (properties.trim() === "") return () => true;
  const bare = properties.replace(/'[^']*'/g, "''");
  for (const word of bare.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []) {
    if (!COLUMNS.has(word) && !SQL_WORDS.has(word)) {
      throw oarsubRefusal([`Bad resource request (ERROR:  column "${word}" does not exist)`], -5);
    }
  }
  const values = (column: string) => {
    const eq = new RegExp(`\\b${column}\\s*=\\s*'([^']*)'`, "i").exec(properties);
    if (eq !== null) return [eq[1]!];
    const list = new RegExp(`\\b${column}\\s+in\\s*\\(([^)]*)\\)`, "i").exec(properties);
    return list === null ? undefined : list[1]!.split(",").map((v) => v.trim().replace(/^'|'$/g, ""));
  };
  const clusters = values("cluster");
  const hosts = values("host") ?? values("network_address");
  return (host, cluster) =>
    (clusters === undefined || clusters.includes(cluster)) && (hosts === undefined || hosts.includes(host));
}

export const NOT_ENOUGH = "There are not enough resources for your request";

/** An admission rule's refusal: `Admission Rule ERROR : [ADMISSION RULE] Error: …`, oarsub's exit -2. */
function refuse(lines: string[]): never {
  throw oarsubRefusal(
    lines.map((l) => `Admission Rule ERROR : [ADMISSION RULE] Error: ${l} `),
    -2,
  );
}

/**
 * A failed oarsub as the API answers it: the app relays the OAR API's 400 as a plain-text 400 whose body is
 * `Request to <oarapi> failed with status 400: <OAR API error>`, and the OAR API's error carries oarsub's output
 * (`Oarsub command exited with status <code>: …`, then `OAR_JOB_ID=<negative code>`). The OAR API error is shown
 * as JSON here, which is our reading of its format; the client must find OAR's lines whatever wraps them.
 */
export function oarsubRefusal(lines: string[], code: number): FakeHttpError {
  const output = [
    ...lines,
    `OAR_JOB_ID=${code}`,
    "Oarsub failed: please verify your request syntax or ask for support to your admin.",
  ].join("\n");
  const oarApi = JSON.stringify({
    code: 400,
    message: `Oarsub command exited with status ${code & 0xff}: ${output}\n`,
    title: "Oar server error",
  });
  return new FakeHttpError(
    400,
    `Request to https://oarapi.internal/oarapi/jobs.json failed with status 400: ${oarApi}`,
  );
}

// ---- Grid'5000's day and night (Europe/Paris): day is 09:00-19:00 Monday to Friday, the rest is night. ----

const HOUR = 3600;
const DAY_S = 10 * HOUR;
const WEEKEND_NIGHT_S = 62 * HOUR;

export function isDayAt(s: number): boolean {
  const w = wallClockAt(s * 1000);
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return weekday >= 1 && weekday <= 5 && w.hour >= 9 && w.hour < 19;
}

/** The first instant after `s` where day turns to night or back (a 09:00 or 19:00 boundary). */
function nextChange(s: number): number {
  const now = isDayAt(s);
  const w = wallClockAt(s * 1000);
  for (let d = 0; d < 8; d++) {
    for (const hour of [9, 19]) {
      const t = Math.floor(instantOf({ ...w, day: w.day + d, hour, minute: 0, second: 0 }) / 1000);
      if (t > s && isDayAt(t) !== now) return t;
    }
  }
  return s + 7 * 24 * HOUR;
}

/**
 * The earliest start at or after `from` at which a job of these types may run for `durationS` within one slot of
 * its kind (jobs of neither type may start any time): the scheduler's constraint for `day` and `night`.
 */
export function earliestInWindow(types: readonly string[], from: number, durationS: number): number {
  const kind = types.includes("day") ? true : types.includes("night") ? false : undefined;
  if (kind === undefined) return from;
  let t = from;
  for (let i = 0; i < 40; i++) {
    if (isDayAt(t) === kind) {
      const end = nextChange(t);
      if (t + durationS <= end) return t;
      t = end; // this slot is too short: skip to the next one of the same kind
    }
    t = nextChange(t);
  }
  return from;
}
