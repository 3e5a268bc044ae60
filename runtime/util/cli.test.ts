/** The shared CLI shell: --help, the exit status of a bad command line, and entry detection through symlinks. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { CliError, recordingIo, runCommandLine, UsageError } from "./cli.ts";

const USAGE = "Usage: demo <dir> [--out <file>]";
const CONFIG = { options: { out: { type: "string" } }, allowPositionals: true } as const;

async function demo(argv: string[]) {
  const io = recordingIo();
  const code = await runCommandLine(argv, USAGE, CONFIG, io, ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`Expected one directory, got ${positionals.length}.`);
    io.out(`${positionals[0]} → ${values.out ?? "-"}`);
    return 0;
  });
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("runCommandLine", () => {
  it("runs the body with the parsed options", async () => {
    expect(await demo(["d", "--out", "f"])).toEqual({ code: 0, out: "d → f", err: "" });
  });

  it("prints the usage on stdout for --help and exits 0 without running the body", async () => {
    expect(await demo(["--help"])).toEqual({ code: 0, out: USAGE, err: "" });
  });

  it("exits 2 with the sentence and the usage on stderr for an unknown option or a missing value", async () => {
    expect(await demo(["d", "--bogus"])).toEqual({
      code: 2,
      out: "",
      err: expect.stringMatching(/^Unknown option '--bogus'/),
    });
    const missing = await demo(["d", "--out"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--out <value>' argument missing\n\nUsage: demo/);
  });

  it("exits 2 with the usage for a UsageError thrown by the body", async () => {
    expect(await demo([])).toEqual({ code: 2, out: "", err: `Expected one directory, got 0.\n\n${USAGE}` });
  });
});

describe("CliError", () => {
  it("ends a command line with its sentence on stderr and its exit code, without the usage", async () => {
    const io = recordingIo();
    const fail = () => {
      throw new CliError("The campaign has no events; ingest it first.", { exitCode: 3 });
    };
    expect(await runCommandLine(["d"], USAGE, CONFIG, io, fail)).toBe(3);
    expect(io.stderr).toEqual(["The campaign has no events; ingest it first."]);
    expect(io.stdout).toEqual([]);
  });

  it("is a UsageError's base, with exit code 2", () => {
    CliError.assert(new UsageError("Expected one directory, got 0."), { message: /one directory/, exitCode: 2 });
    expect(() => CliError.assert(new CliError("x"), { exitCode: 2 })).toThrow(/Expected exit code 2, got 1/);
    expect(() => CliError.assert(new Error("x"), {})).toThrow(/Expected a CliError/);
  });

  it("wraps a domain error that knows its exit code, and anything else as `Failed: …`, exit 1", () => {
    const domain = Object.assign(new Error("No run matches --run x."), { exitCode: 2 });
    const wrapped = CliError.from(domain);
    CliError.assert(wrapped, { message: /^No run matches --run x\.$/, exitCode: 2 });
    expect(wrapped.cause).toBe(domain);
    CliError.assert(CliError.from(new Error("disk full")), { message: /^Failed: disk full$/, exitCode: 1 });
    const own = new CliError("as is", { exitCode: 5 });
    expect(CliError.from(own)).toBe(own);
  });

  it("lets an error that is not a CliError propagate", async () => {
    const boom = () => {
      throw new TypeError("a bug");
    };
    await expect(runCommandLine(["d"], USAGE, CONFIG, recordingIo(), boom)).rejects.toThrow(TypeError);
  });
});

describe("isMain", () => {
  const dir = mkdtempSync(join(tmpdir(), "giraff-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recognises the entry module through a symlinked folder and a path with a space", () => {
    const real = join(dir, "real dir");
    const cli = new URL("./cli.ts", import.meta.url).pathname;
    mkdirSync(real);
    writeFileSync(
      join(real, "entry.ts"),
      `import { isMain } from ${JSON.stringify(cli)};\nconsole.log(isMain(import.meta.url));\n`,
    );
    symlinkSync(real, join(dir, "linked"));
    for (const path of [join(real, "entry.ts"), join(dir, "linked", "entry.ts")]) {
      const r = execaSync(process.execPath, ["--import", "tsx", path], { reject: false });
      expect(r.stdout.trim(), `${path}: ${r.stderr}`).toBe("true");
    }
  });
});
