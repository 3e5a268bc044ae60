/** The plan generator: deterministic, GIRAFF-parsable names, IoT targets, variants, and files that round-trip. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import { devTopology } from "../../../runtime/testing/fixtures.ts";
import { GIRAFF_NAME_PATTERN, giraffTimestamp, parseFunctionName } from "./function-name.ts";
import { loadPipeline } from "./pipeline-file.ts";
import { giraffPipeline, giraffPipelines } from "./pipelines.ts";
import { generatePlan, type GeneratePlanSpec } from "./plan.ts";
import { loadPlan, savePlan } from "./plan-file.ts";

const topology = devTopology();
const iotNodes = topology.nodes.filter((n) => n.iotConnected);
const spec = (over: Partial<GeneratePlanSpec> = {}): GeneratePlanSpec => ({
  topology,
  pipelines: giraffPipelines(),
  chainsPerTargetPerPipeline: 4,
  experimentDurationS: 600,
  seed: "plan-test",
  ...over,
});
const dir = mkdtempSync(join(tmpdir(), "giraff-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("generatePlan", () => {
  it("is deterministic for a seed, and another seed gives another plan", () => {
    const a = generatePlan(spec());
    expect(JSON.stringify(generatePlan(spec()))).toBe(JSON.stringify(a));
    expect(generatePlan(spec({ seed: "other" })).chains).not.toEqual(a.chains);
  });

  it("gives n chains per IoT-connected node and pipeline, each targeting an IoT-connected node", () => {
    const plan = generatePlan(
      spec({ chainsPerTargetPerPipeline: { "image-classification": 3, "audio-sentiment": 1 } }),
    );
    expect(iotNodes.length).toBeGreaterThan(0);
    expect(plan.chains).toHaveLength(iotNodes.length * 4);
    for (const chain of plan.chains) {
      const node = topology.nodes.find((n) => n.id === chain.targetNodeId)!;
      expect(node.iotConnected).toBe(true);
      expect(chain.targetNodeName).toBe(node.name);
    }
    expect(new Set(plan.chains.map((c) => c.id)).size).toBe(plan.chains.length);
  });

  it("encodes GIRAFF's names so that the analysis regex recovers every parameter", () => {
    const plan = generatePlan(spec());
    const pipelines = new Map(plan.params.pipelines.map((p) => [p.name, p]));
    for (const chain of plan.chains) {
      chain.functions.forEach((f, k) => {
        expect(f.name).toMatch(GIRAFF_NAME_PATTERN);
        const source = pipelines.get(chain.pipeline)!.functions[k]!;
        expect(parseFunctionName(f.name)).toEqual({
          prefix: `${source.name}${giraffTimestamp(plan.params.epoch)}`,
          index: chain.chainIndex,
          cpuMilli: source.cpuMilli,
          memoryMiB: source.memoryMiB,
          latencyMs: f.latencyMaxMs,
          arrivalS: chain.arrivalS,
          requestIntervalMs: f.requestIntervalMs,
          durationMs: chain.durationMs,
        });
      });
    }
    expect(giraffTimestamp("2024-08-01T13:04:05Z")).toBe("20240801130405");
  });

  it("[HEAD] keeps intervals at least the expected one, and durations at least the minimum; arrivals sorted", () => {
    const plan = generatePlan(spec());
    const laws = plan.params.laws;
    for (const chain of plan.chains) {
      expect(chain.durationMs).toBeGreaterThanOrEqual(laws.minDurationMs);
      expect(chain.arrivalS).toBeLessThanOrEqual(600);
      const pipeline = giraffPipeline(chain.pipeline);
      chain.functions.forEach((f, k) => {
        expect(f.requestIntervalMs).toBeGreaterThanOrEqual(pipeline.functions[k]!.expectedRequestIntervalMs);
        expect(f.memoryMiB).toBe(pipeline.functions[k]!.memoryMiB);
      });
      expect(chain.requestIntervalMs).toBe(chain.functions[0]!.requestIntervalMs);
    }
    for (const node of iotNodes) {
      const arrivals = plan.chains.filter((c) => c.targetNodeId === node.id && c.pipeline === "audio-sentiment");
      expect(arrivals.map((c) => c.arrivalS)).toEqual(arrivals.map((c) => c.arrivalS).sort((a, b) => a - b));
    }
  });

  it("[paper] scales resources (names keep the pipeline's values) and asks for one replica", () => {
    const plan = generatePlan(spec({ variant: "paper" }));
    let scaled = 0;
    for (const chain of plan.chains) {
      const pipeline = giraffPipeline(chain.pipeline);
      chain.functions.forEach((f, k) => {
        const source = pipeline.functions[k]!;
        const ratio = source.expectedRequestIntervalMs / f.requestIntervalMs;
        expect(f.memoryMiB).toBe(ratio > 1 ? Math.ceil(source.memoryMiB * ratio) : source.memoryMiB);
        expect(parseFunctionName(f.name)!.memoryMiB).toBe(source.memoryMiB);
        expect(f.replicas).toBe(1);
        if (ratio > 1) scaled++;
      });
    }
    expect(scaled).toBeGreaterThan(0);
  });

  it("draws latencies from the chosen law", () => {
    const buckets = generatePlan(spec({ laws: { latencyLaw: "student-t-buckets" } }));
    const values = new Set(buckets.chains.flatMap((c) => c.functions.map((f) => f.latencyMaxMs)));
    expect([...values].every((v) => [15, 150, 10_000].includes(v))).toBe(true);
  });

  it("rejects bad parameters with the field and the rule", () => {
    expect(() => generatePlan(spec({ experimentDurationS: 0 }))).toThrow(ConfigError);
    expect(() => generatePlan(spec({ experimentDurationS: 0 }))).toThrow(
      /`experimentDurationS` must be a positive integer/,
    );
    expect(() => generatePlan(spec({ laws: { latencyClasses: { LOW_LATENCY: -1 } } }))).toThrow(
      /`laws\.latencyClasses\.LOW_LATENCY` must be a positive number of ms/,
    );
  });
});

describe("plan files", () => {
  it("round-trips through savePlan and loadPlan, atomically", () => {
    const plan = generatePlan(spec({ generatedAt: "2025-01-01T00:00:00Z" }));
    const path = join(dir, "nested", "plan.json");
    savePlan(path, plan);
    expect(loadPlan(path)).toEqual(plan);
    expect(readdirSync(join(dir, "nested"))).toEqual(["plan.json"]);
  });

  it("names the file, the field and the rule when a plan is wrong", () => {
    const plan = JSON.parse(JSON.stringify(generatePlan(spec())));
    plan.chains[2].functions[1].memoryMiB = -5;
    const path = join(dir, "bad-plan.json");
    writeFileSync(path, JSON.stringify(plan));
    expect(() => loadPlan(path)).toThrow(
      new RegExp(`${path}.*\`chains\\.2\\.functions\\.1\\.memoryMiB\` must be a positive integer number of MiB`),
    );
    plan.chains[2].functions[1].memoryMiB = 10;
    plan.chains[3].id = plan.chains[0].id;
    writeFileSync(path, JSON.stringify(plan));
    expect(() => loadPlan(path)).toThrow(/`chains\.3\.id` must be a unique chain id/);
    writeFileSync(path, "{ not json");
    expect(() => loadPlan(path)).toThrow(new RegExp(`The plan file ${path} is not valid JSON`));
  });

  it("loads pipeline files with GIRAFF's defaults and names file, field and rule on errors", () => {
    const path = join(dir, "pipeline.json");
    const good = { name: "tiny", content: "ping", functions: [{ name: "only", image: "giraff:fn_echo" }] };
    writeFileSync(path, JSON.stringify(good));
    expect(loadPipeline(path).functions[0]).toMatchObject({
      memoryMiB: 256,
      cpuMilli: 100,
      latencyClass: "NO_LATENCY",
      inputMaxSize: "1500 B",
      expectedRequestIntervalMs: 1000,
      replicas: 1,
    });
    const bad = (fn: Record<string, unknown>) => {
      writeFileSync(path, JSON.stringify({ ...good, functions: [{ name: "only", image: "x", ...fn }] }));
      return () => loadPipeline(path);
    };
    expect(bad({ cpuMilli: 0.5 })).toThrow(
      new RegExp(`pipeline file ${path}.*\`functions\\.0\\.cpuMilli\` must be a positive integer number of millicpu`),
    );
    expect(bad({ latencyClass: "FAST" })).toThrow(
      /`functions\.0\.latencyClass` must be one of LOW_LATENCY, HIGH_LATENCY/,
    );
    expect(bad({ inputMaxSize: "lots" })).toThrow(/`functions\.0\.inputMaxSize` must be a positive memory quantity/);
    expect(bad({ mem: 3 })).toThrow(/`functions\.0` must be an object without the keys mem/);
    expect(() => loadPipeline(join(dir, "missing.json"))).toThrow(/Cannot read the pipeline file .*missing\.json/);
  });
});

describe("GIRAFF's pipelines", () => {
  it("carry §8's resources, classes, sizes, replicas and expected intervals, with our images", () => {
    const image = giraffPipeline("image-classification");
    expect(image.content).toBe("image");
    expect(image.functions.map((f) => [f.name, f.image, f.memoryMiB, f.cpuMilli, f.latencyClass, f.replicas])).toEqual([
      ["imagePreProcessing", "giraff:fn_image_transform", 120, 100, "LOW_LATENCY", 1],
      ["classif", "giraff:fn_busy_spin", 800, 700, "HIGH_LATENCY", 2],
      ["echo", "giraff:fn_echo", 40, 10, "HIGHER_LATENCY", 1],
    ]);
    const audio = giraffPipeline("audio-sentiment-higher", { sentiment: "registry/sentiment:2" });
    expect(audio.functions.map((f) => [f.image, f.latencyClass, f.expectedRequestIntervalMs])).toEqual([
      ["giraff:fn_busy_spin", "SUPER_NO_LATENCY", 3500],
      ["registry/sentiment:2", "NO_LATENCY", 200],
      ["giraff:fn_echo", "NO_LATENCY", 100],
    ]);
    expect(giraffPipeline("image-classification-higher").functions[1]).toMatchObject({ memoryMiB: 600, cpuMilli: 600 });
    expect(() => giraffPipeline("nope")).toThrow(/Unknown pipeline `nope`/);
  });
});
