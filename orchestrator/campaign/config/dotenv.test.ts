import { describe, expect, it } from "vitest";
import { DotenvSyntaxError, parseDotenv } from "./dotenv.ts";

describe("parseDotenv", () => {
  it("reads KEY=value, spaces around =, export, comments and blank lines", () => {
    const text = ["# a comment", "", "A=1", "B = two", "export C=3", "  # indented comment", "D=x # trailing"].join(
      "\n",
    );
    expect(parseDotenv(text)).toEqual({ A: "1", B: "two", C: "3", D: "x" });
  });

  it("keeps # inside an unquoted word and $ literally", () => {
    expect(parseDotenv("A=a#b\nB=$HOME")).toEqual({ A: "a#b", B: "$HOME" });
  });

  it("reads empty values", () => {
    expect(parseDotenv("A=\nB=\"\"\nC=''\nD= # nothing")).toEqual({ A: "", B: "", C: "", D: "" });
  });

  it("reads single quotes literally and double quotes with escapes", () => {
    expect(parseDotenv("A='x\\ny # not a comment'")).toEqual({ A: "x\\ny # not a comment" });
    expect(parseDotenv('A="a\\nb\\t\\"c\\" \\\\ \\d" # comment')).toEqual({ A: 'a\nb\t"c" \\ \\d' });
  });

  it("reads multi-line double-quoted values, keeping inner spaces", () => {
    const text = 'A="first  \n  second"\nB=after';
    expect(parseDotenv(text)).toEqual({ A: "first  \n  second", B: "after" });
  });

  it("reads GIRAFF's space-separated lists and CRLF files", () => {
    expect(parseDotenv('SIZE_MULTIPLIERS="1 4"\r\nMIN_NUMBER_VMS="3 200"\r\n')).toEqual({
      SIZE_MULTIPLIERS: "1 4",
      MIN_NUMBER_VMS: "3 200",
    });
  });

  it("keeps the last of repeated keys", () => {
    expect(parseDotenv("A=1\nA=2")).toEqual({ A: "2" });
  });

  it.each([
    ["not a line", 1, /expected KEY=value/],
    ["A=1\n1B=2", 2, /expected KEY=value/],
    ['A="open\nB=2', 1, /unterminated double quote/],
    ["A='open", 1, /unterminated single quote/],
    ['A="x" y', 1, /line 1 \(A\): unexpected text after the closing quote/],
  ])("rejects %j at line %i", (text, line, reason) => {
    let error: unknown;
    try {
      parseDotenv(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DotenvSyntaxError);
    expect((error as DotenvSyntaxError).line).toBe(line);
    expect((error as DotenvSyntaxError).message).toMatch(reason);
  });

  it.each(["G5K_PASSWORD: s3cret", 'G5K_PASSWORD="s3cret"s3cret', "G5K_PASSWORD='s3cret", 'G5K_PASSWORD="s3cret'])(
    "names the line and the variable of %j, never its value",
    (text) => {
      const error = (() => {
        try {
          parseDotenv(text);
        } catch (e) {
          return e as DotenvSyntaxError;
        }
        throw new Error("expected a syntax error");
      })();
      expect(error).toMatchObject({ line: 1, variable: "G5K_PASSWORD" });
      expect(error.message).not.toContain("s3cret");
    },
  );
});
