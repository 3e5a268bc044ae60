/**
 * The kinds of value a campaign variable holds, each a zod schema from the raw dotenv string plus the rule in words.
 * The rule is what error messages print ("must be a positive integer"), so it is written for people.
 */
import { z } from "zod";

export interface Kind<T> {
  /** The rule in words, completing "must be …". */
  readonly rule: string;
  readonly schema: z.ZodType<T, string>;
}

function kind<T>(rule: string, schema: z.ZodType<T, string>): Kind<T> {
  return { rule, schema };
}

/** The parsed value, or `undefined` when `text` breaks the kind's rule. */
export function parseKind<T>(k: Kind<T>, text: string): T | undefined {
  const result = k.schema.safeParse(text.trim());
  return result.success ? result.data : undefined;
}

const words = (text: string) => (text.trim() === "" ? [] : text.trim().split(/\s+/));

export const positiveInt = kind(
  "a positive integer",
  z
    .string()
    .regex(/^[1-9]\d*$/)
    .transform(Number),
);
export const nonNegativeInt = kind("a non-negative integer", z.string().regex(/^\d+$/).transform(Number));
export const positiveNumber = kind(
  "a positive number",
  z
    .string()
    .regex(/^\d+(\.\d+)?(e\d+)?$/i)
    .transform(Number)
    .pipe(z.number().positive()),
);
export const word = kind("a single word without spaces", z.string().regex(/^\S+$/));
export const boolean = kind(
  "true or false",
  z.enum(["true", "false"]).transform((v) => v === "true"),
);

export function oneOf<const T extends string>(names: readonly T[]): Kind<T> {
  return kind(`one of ${names.join(", ")}`, z.enum(names as [T, ...T[]]) as unknown as z.ZodType<T, string>);
}

/** A space-separated list; may be empty (the caller decides whether empty is allowed). */
export function listOf<T>(item: Kind<T>, rule: string): Kind<T[]> {
  return kind(rule, z.string().transform(words).pipe(z.array(item.schema)) as unknown as z.ZodType<T[], string>);
}

export const positiveIntList = listOf(positiveInt, "a space-separated list of positive integers");
export const nonNegativeIntList = listOf(nonNegativeInt, "a space-separated list of non-negative integers");

/**
 * An integer from `min` to `max` (inclusive); the bound and its unit are in the rule, so the error names them:
 * "must be an integer from 1 to 64 (runs at once), got "1000000000"". Bounds are checked on the text, before any
 * generation, so a huge value fails at once instead of hanging the generator or exhausting the heap.
 */
export function intFrom(min: number, max: number, unit: string): Kind<number> {
  const rule = `an integer from ${min} to ${max} (${unit})`;
  return kind(rule, z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(max)));
}

/** A space-separated list of integers from `min` to `max`; may be empty, like {@link listOf}. */
export function intListFrom(min: number, max: number, unit: string): Kind<number[]> {
  return listOf(intFrom(min, max, unit), `a space-separated list of integers from ${min} to ${max} (${unit})`);
}

/** A positive number (decimal or with an exponent) at most `max`. */
export function positiveNumberUpTo(max: number, unit: string): Kind<number> {
  return kind(
    `a positive number at most ${max} (${unit})`,
    z
      .string()
      .regex(/^\d+(\.\d+)?(e\d+)?$/i)
      .transform(Number)
      .pipe(z.number().positive().max(max)),
  );
}
export const wordList = listOf(word, "a space-separated list of words");

/** GIRAFF's `DEPLOYMENT_WALLTIME` (OAR's format). */
export const walltime = kind(
  "a duration HH:MM:SS such as `10:00:00`",
  z
    .string()
    .regex(/^\d{1,3}:[0-5]\d:[0-5]\d$/)
    .transform((text) => {
      const [h, m, s] = text.split(":").map(Number) as [number, number, number];
      return { text, seconds: h * 3600 + m * 60 + s };
    })
    .refine((w) => w.seconds > 0),
);

/** `DO_NOT_EXECUTE_IF_ENDING_AFTER`: GIRAFF passes it to `date -d`; we accept the forms its files use. */
export const day = kind(
  "`today`, `tomorrow` or a date YYYY-MM-DD",
  z.string().regex(/^(today|tomorrow|\d{4}-\d{2}-\d{2})$/),
);

/** `DO_NOT_EXECUTE_IF_ENDING_AFTER_HOUR`: GIRAFF writes `1000` for 10:00. */
export const clockTime = kind(
  "a time of day HHMM or HH:MM such as `1000`",
  z
    .string()
    .regex(/^([01]?\d|2[0-3]):?([0-5]\d)$/)
    .transform((text) => {
      const digits = text.replace(":", "");
      return { hour: Number(digits.slice(0, -2)), minute: Number(digits.slice(-2)) };
    }),
);
