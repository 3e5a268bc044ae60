import { describe, expect, it } from "vitest";
import { cpuQuantity, functionName, giraffDeployment, memoryQuantity } from "./giraff-deployment.ts";

describe("giraffDeployment", () => {
  it("builds GIRAFF's POST /system/functions body", () => {
    expect(
      giraffDeployment({
        slaId: "42",
        image: "giraff:fn_echo",
        memoryBytes: 500e6,
        milliCpu: 500,
        replicas: 2,
        envVars: { ID: "42" },
        envProcess: "server",
      }),
    ).toEqual({
      service: "fogfn-42",
      image: "giraff:fn_echo",
      envVars: { ID: "42" },
      envProcess: "server",
      labels: { "com.openfaas.scale.min": "2", "com.openfaas.scale.max": "2" },
      limits: { memory: "500M", cpu: "500m" },
      requests: { memory: "500M", cpu: "500m" },
    });
  });

  it("rounds quantities up and names functions fogfn-<slaId>", () => {
    expect(memoryQuantity(40 * 2 ** 20)).toBe("42M");
    expect(cpuQuantity(0.5)).toBe("1m");
    expect(functionName("abc")).toBe("fogfn-abc");
  });
});
