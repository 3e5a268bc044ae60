import { describe, expect, it } from "vitest";
import { mapHttpError } from "./map-error.ts";
import { formatOarDate, formatWalltime, parseOarDate, parseWalltime } from "./oar-time.ts";
import { makeRedactor } from "./redact.ts";

describe("OAR time", () => {
  it("converts Paris wall clock both ways, across DST", () => {
    expect(formatOarDate(Date.UTC(2026, 0, 15, 12, 0, 0))).toBe("2026-01-15 13:00:00");
    expect(formatOarDate(Date.UTC(2026, 6, 15, 12, 0, 0))).toBe("2026-07-15 14:00:00");
    expect(parseOarDate("2026-03-29 03:30:00")).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(parseOarDate("2026-05-01 19:00")).toBe(Date.UTC(2026, 4, 1, 17, 0));
    expect(parseOarDate("tomorrow")).toBeUndefined();
  });

  it("formats and reads walltimes", () => {
    expect(formatWalltime(36_000)).toBe("10:00:00");
    expect(formatWalltime(100 * 3600 + 61)).toBe("100:01:01");
    expect(parseWalltime("2:30")).toBe(9000);
    expect(parseWalltime("02:00:00")).toBe(7200);
    expect(parseWalltime("two hours")).toBeUndefined();
  });
});

describe("redaction", () => {
  it("removes secrets, Authorization values, password fields and URL credentials", () => {
    const redact = makeRedactor(["hunter2", "", "aHVudGVyMg=="]);
    expect(redact("pw hunter2 token aHVudGVyMg==")).toBe("pw [redacted] token [redacted]");
    expect(redact("Authorization: Basic Zm9vOmJhcg== next")).toBe("Authorization: [redacted] next");
    expect(redact('{"password":"x1", "user":"a"}')).toBe('{"password":"[redacted]", "user":"a"}');
    expect(redact("https://bob:pw@api.grid5000.fr/")).toBe("https://bob:[redacted]@api.grid5000.fr/");
  });
});

describe("mapHttpError", () => {
  it("reads JSON error bodies and cuts long ones", () => {
    expect(mapHttpError("GET /x", 400, '{"message":"no such thing"}').message).toBe(
      "Grid'5000 refused GET /x (400): no such thing",
    );
    expect(mapHttpError("GET /x", 409, "y".repeat(900)).body).toHaveLength(501);
    expect(mapHttpError("GET /x", 400, "Reservation not valid --> KO (Reservation too old)").reason).toBe(
      "bad-request",
    );
  });
});
