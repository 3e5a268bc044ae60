/**
 * The runtime the provider starts on the VMs, read back by the entry points' own settings parsers: the market
 * gets its X25519 key from the file the provider writes, and every node pins the public half.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAgreementKey, marketSettings } from "../../../../runtime/market/cli.ts";
import { nodeCliSettings } from "../../../../runtime/node/cli.ts";
import { generateAgreementKeys } from "../../../../runtime/protocol/bid-mac.ts";
import { generateNodeKeyPem } from "../../../../runtime/protocol/signing.ts";
import { smallPlan, smallTopology } from "../vms/testing/small-plan.ts";
import { marketKeyFile, vmProcesses } from "./vm-runtime.ts";

const RUNTIME = { strategy: "auction", valuation: "quadratic", reduction: false, latencyModel: "tcp" };

describe("the market's X25519 key on Grid'5000", () => {
  const dir = mkdtempSync(join(tmpdir(), "giraff-vm-runtime-"));
  const rt = { workDir: dir, repo: "/opt/giraff-ts", faas: "embedded", run: "r" };
  const market = generateAgreementKeys();
  const plan = vmProcesses(smallTopology(), smallPlan().vms, RUNTIME, rt, { marketPublicKey: market.publicKey });

  it("reaches the market as a file, whose key the market reads back with the same public half", () => {
    const env = plan.get("market")!.find((p) => p.role === "market")!.env;
    expect(env.GIRAFF_MARKET_AGREEMENT_KEY_FILE).toBe(marketKeyFile(rt, { name: "market" }));
    expect(marketSettings(env).agreementKeyFile).toBe(env.GIRAFF_MARKET_AGREEMENT_KEY_FILE);
    mkdirSync(join(dir, "market"), { recursive: true });
    writeFileSync(env.GIRAFF_MARKET_AGREEMENT_KEY_FILE!, market.privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(readAgreementKey(env.GIRAFF_MARKET_AGREEMENT_KEY_FILE!).publicKey).toBe(market.publicKey);
  });

  it("is pinned by every node, as its CLI reads it", () => {
    const nodes = [...plan.values()].flat().filter((p) => p.role === "node");
    expect(nodes).toHaveLength(3);
    const topologyFile = join(dir, "topology.json");
    const priced = { ratioAA: 1, ratioBB: 1, electricityPrice: 1 };
    const topology = smallTopology();
    writeFileSync(
      topologyFile,
      JSON.stringify({ ...topology, nodes: topology.nodes.map((n) => ({ ...n, valuation: priced })) }),
    );
    for (const node of nodes) {
      expect(node.env.GIRAFF_MARKET_KEY).toBe(market.publicKey);
      const settings = nodeCliSettings({ ...node.env, GIRAFF_TOPOLOGY: topologyFile, GIRAFF_NODE_KEY_FILE: undefined });
      expect(settings.spec.marketKey).toBe(market.publicKey);
    }
  });

  it("refuses a key file that is not an X25519 key, naming the variable", () => {
    const file = join(dir, "ed25519.pem");
    writeFileSync(file, generateNodeKeyPem().privateKeyPem);
    expect(() => readAgreementKey(file)).toThrow(/`GIRAFF_MARKET_AGREEMENT_KEY_FILE` is not a readable X25519/);
  });
});
