/**
 * The import arrows of `eslint.config.js` (runtime/README.md) catch what they are meant to catch: each case lints
 * one import line as if it were a production file at that path, with the repository's own config.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: import.meta.dirname });

async function restricted(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import arrows", () => {
  it.each([
    ["runtime/market/x.ts", 'import "../node/agent.ts";', /market must not import the node/],
    ["runtime/node/x.ts", 'import "../market/market.ts";', /node must not import the market/],
    ["runtime/protocol/x.ts", 'import "../node/agent.ts";', /lower layers/],
    ["runtime/faas/x.ts", 'import "../../orchestrator/batch/index.ts";', /toolkit around it/],
    ["orchestrator/providers/x.ts", 'import "../../runtime/node/cli.ts";', /command-line entry point/],
    ["runtime/market/x.ts", 'import "../node/cli.ts";', /command-line entry point/],
  ])("%s may not %s", async (file, source, rule) => {
    const messages = await restricted(file, source);
    expect(
      messages.some((m) => rule.test(m)),
      messages.join("\n"),
    ).toBe(true);
  });

  it.each([
    ["runtime/market/x.ts", 'import "../http/client.ts";'],
    ["runtime/market/x.ts", 'import "../in-process/local-peers.ts";'],
    ["runtime/node/x.ts", 'import "../util/cli.ts";'],
    ["orchestrator/campaign/x.ts", 'import "../../runtime/faas/types.ts";'],
    ["runtime/market/x.test.ts", 'import "../node/agent.ts";'],
  ])("%s may %s", async (file, source) => {
    expect(await restricted(file, source)).toEqual([]);
  });
});
