/**
 * The OpenFaaS manifests of the fog-node image (nix/openfaas/), checked as data: they cannot be applied here (no
 * k3s), so this pins what the runtime relies on: the gateway on NodePort 31112, GIRAFF's pinned versions, basic
 * auth from the secret the image's unit creates, and a provider allowed to manage functions in openfaas-fn.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPENFAAS_PASSWORD_FILE } from "../orchestrator/providers/grid5000/provider/vm-runtime.ts";

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const list = JSON.parse(readFileSync(new URL("./openfaas/gateway.json", import.meta.url), "utf8")) as {
  kind: string;
  items: Manifest[];
};
const unit = readFileSync(new URL("./fog-node.nix", import.meta.url), "utf8");
const find = (kind: string, name: string): Loose => list.items.find((m) => m.kind === kind && m.metadata.name === name);

describe("the fog-node image's OpenFaaS manifests", () => {
  it("expose the gateway on NodePort 31112 and inside the cluster on 8080", () => {
    expect(list.kind).toBe("List");
    const external = find("Service", "gateway-external");
    expect(external.spec.type).toBe("NodePort");
    expect(external.spec.ports[0]).toMatchObject({ nodePort: 31112, targetPort: 8080 });
    expect(find("Service", "gateway").spec.ports[0].port).toBe(8080);
    for (const m of list.items) expect(m.metadata.namespace).toMatch(/^openfaas(-fn)?$/);
  });

  it("pin GIRAFF's versions: gateway 0.27.2 and the faas-netes 0.17.x provider beside it", () => {
    const pod = find("Deployment", "gateway").spec.template.spec;
    const images = Object.fromEntries(pod.containers.map((c: Loose) => [c.name, c.image]));
    expect(images).toEqual({
      gateway: "ghcr.io/openfaas/gateway:0.27.2",
      "faas-netes": "ghcr.io/openfaas/faas-netes:0.17.1",
    });
    const gatewayEnv = Object.fromEntries(pod.containers[0].env.map((e: Loose) => [e.name, e.value]));
    expect(gatewayEnv.functions_provider_url).toBe("http://127.0.0.1:8081/");
    expect(gatewayEnv.basic_auth).toBe("true");
  });

  it("take basic auth from the secret the image's unit creates, with the password file the provider names", () => {
    const pod = find("Deployment", "gateway").spec.template.spec;
    const secret = pod.volumes.find((v: Loose) => v.name === "auth").secret.secretName;
    expect(unit).toContain(`create secret generic ${secret}`);
    expect(unit).toContain(OPENFAAS_PASSWORD_FILE);
    expect(unit).toContain("gateway.json");
  });

  it("let the provider's service account manage deployments and services of openfaas-fn only", () => {
    const binding = find("RoleBinding", "openfaas-controller");
    expect(binding.metadata.namespace).toBe("openfaas-fn");
    expect(binding.subjects[0]).toEqual({ kind: "ServiceAccount", name: "openfaas-controller", namespace: "openfaas" });
    const rules = find("Role", "openfaas-controller").rules as { resources: string[]; verbs: string[] }[];
    for (const resource of ["deployments", "services", "secrets"]) {
      expect(rules.some((r) => r.resources.includes(resource) && r.verbs.includes("create"))).toBe(true);
    }
    expect(find("Deployment", "gateway").spec.template.spec.serviceAccountName).toBe("openfaas-controller");
  });
});
