/**
 * OAR speaks wall-clock dates in Europe/Paris (`YYYY-MM-DD hh:mm:ss`) and durations as `HH:MM:SS`. These helpers
 * convert them to and from instants with `Intl` alone, so reservations, "could run at" answers and the day/night
 * guard agree whatever the machine's time zone.
 */

export const G5K_TIME_ZONE = "Europe/Paris";

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock of instant `ms` in `timeZone`. */
export function wallClockAt(ms: number, timeZone: string = G5K_TIME_ZONE): WallClock {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** The instant when `timeZone`'s clock shows `wall` (the earlier one if the hour repeats at a DST change). */
export function instantOf(wall: WallClock, timeZone: string = G5K_TIME_ZONE): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  let guess = asUtc;
  // Two corrections reach the zone's offset at the guessed instant, DST changes included.
  for (let i = 0; i < 2; i++) {
    const seen = wallClockAt(guess, timeZone);
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    guess += asUtc - seenUtc;
  }
  return guess;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-05-01 19:00:00`, OAR's date format, for instant `ms`. */
export function formatOarDate(ms: number, timeZone: string = G5K_TIME_ZONE): string {
  const w = wallClockAt(ms, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** The instant of an OAR date `YYYY-MM-DD hh:mm[:ss]`, or undefined when the text is not one. */
export function parseOarDate(text: string, timeZone: string = G5K_TIME_ZONE): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? "0")) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return instantOf({ year, month, day, hour, minute, second }, timeZone);
}

/** `HH:MM:SS` for a walltime in seconds (hours may exceed 24, as OAR allows). */
export function formatWalltime(seconds: number): string {
  const s = Math.round(seconds);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** Seconds of an OAR walltime `H[:MM[:SS]]`, or undefined when the text is not one. */
export function parseWalltime(text: string): number | undefined {
  const m = /^(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * 3600 + Number(m[2] ?? "0") * 60 + Number(m[3] ?? "0");
}
