import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DotenvSyntaxError, parseDotenv } from "./dotenv.ts";

const TESTBED = fileURLToPath(new URL("./fixtures/giraff-testbed/", import.meta.url));
const EXPERIMENTS = fileURLToPath(new URL("../../../experiments/", import.meta.url));

function syntaxError(text: string): DotenvSyntaxError {
  try {
    parseDotenv(text);
  } catch (e) {
    if (e instanceof DotenvSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
}

describe("parseDotenv", () => {
  it("reads GIRAFF's testbed files as the hand-written parser it replaced did", () => {
    // giraff-testbed.parsed.json was written by that parser (commit 55d5f59) from the same files
    const expected = JSON.parse(readFileSync(`${TESTBED}../giraff-testbed.parsed.json`, "utf8")) as object;
    const files = readdirSync(TESTBED).sort();
    expect(files).toEqual(Object.keys(expected));
    expect(Object.fromEntries(files.map((f) => [f, parseDotenv(readFileSync(TESTBED + f, "utf8"))]))).toEqual(expected);
  });

  it("reads every shipped campaign file", () => {
    const files = readdirSync(EXPERIMENTS, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(`${EXPERIMENTS}${d.name}`)
          .filter((f) => f.startsWith(".env"))
          .map((f) => `${d.name}/${f}`),
      );
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(() => parseDotenv(readFileSync(EXPERIMENTS + file, "utf8")), file).not.toThrow();
  });

  it("reads KEY=value, spaces around =, export, comments, blank lines, CRLF and GIRAFF's quoted lists", () => {
    const text = ["# a comment", "", "A=1", "B = two", "export C=3", "  # indented", "D=x # trailing", 'E="1 4"'];
    expect(parseDotenv(text.join("\r\n"))).toEqual({ A: "1", B: "two", C: "3", D: "x", E: "1 4" });
  });

  it("reads empty values as empty strings (the typed config decides what empty means)", () => {
    expect(parseDotenv("A=\nB=\"\"\nC=''\nD= # nothing")).toEqual({ A: "", B: "", C: "", D: "" });
  });

  it("follows dotenv on quotes and escapes: only \\n and \\r in double quotes, other backslashes kept", () => {
    expect(parseDotenv("A='x\\ny # not a comment'")).toEqual({ A: "x\\ny # not a comment" });
    expect(parseDotenv('A="a\\nb\\t\\"c\\"" # comment')).toEqual({ A: 'a\nb\\t\\"c\\"' });
    expect(parseDotenv("A=`it's`")).toEqual({ A: "it's" });
  });

  it("does not expand ${VAR} or $VAR", () => {
    expect(parseDotenv('A=$HOME\nB="${A}/x"')).toEqual({ A: "$HOME", B: "${A}/x" });
  });

  it("keeps the last of repeated keys, and accepts dotenv's keys (unknown ones are the typed config's warning)", () => {
    expect(parseDotenv("A=1\nA=2\n1B=3\nC.d-e=4")).toEqual({ A: "2", "1B": "3", "C.d-e": "4" });
  });

  it("refuses an unquoted # that does not start a comment, where dotenv would cut the value", () => {
    expect(syntaxError("A=1\nG5K_PASSWORD=ab#cd")).toMatchObject({ line: 2, variable: "G5K_PASSWORD" });
    expect(syntaxError("A=#x").reason).toMatch(/quote the value/);
    expect(parseDotenv('A="ab#cd"\nB=ab #cd')).toEqual({ A: "ab#cd", B: "ab" });
  });

  it.each([
    ["- item", 1, undefined, /expected KEY=value; the line does not start with a name/],
    ["A=1\nnot dotenv", 2, "not", /expected KEY=value$/],
    ["A=1\n\nG5K_USER: alice", 3, "G5K_USER", /not KEY: value/],
    ['A="open\nB=2"', 1, "A", /unterminated double quote/],
    ["A='open", 1, "A", /unterminated single quote/],
    ["A=`open", 1, "A", /unterminated backtick quote/],
    ['A="x" y', 1, "A", /unexpected text after the closing quote/],
  ])("rejects %j at line %i", (text, line, variable, reason) => {
    const error = syntaxError(text);
    expect(error).toMatchObject({ line, variable });
    expect(error.reason).toMatch(reason);
  });

  it.each([
    "G5K_PASSWORD: s3cret",
    "G5K_PASSWORD s3cret",
    'G5K_PASSWORD="s3cret"s3cret',
    "G5K_PASSWORD='s3cret",
    'G5K_PASSWORD="s3cret',
    "G5K_PASSWORD=s3#cret",
  ])("names the line and the variable of %j, never its value", (text) => {
    const error = syntaxError(text);
    expect(error).toMatchObject({ line: 1, variable: "G5K_PASSWORD" });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/s3|cret/);
  });
});
