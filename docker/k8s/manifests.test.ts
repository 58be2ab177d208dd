import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { K8S_DIR, loadManifests, modelFor, yamlFiles } from "./manifests.ts";

/**
 * Offline validation of docker/k8s: each object against the Kubernetes OpenAPI schema of its
 * apiVersion and kind (kubernetes-models). The schemas do not forbid unknown fields, so a
 * misspelt field passes here; the cross-reference tests beside this one read every field that
 * matters by name and fail when it is missing.
 */
const manifests = loadManifests().filter((m) => m.file !== "kustomization.yaml");

describe("docker/k8s manifests", () => {
  it("hold the objects the deployment guide names", () => {
    const kinds = manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort();
    expect(kinds).toEqual([
      "DaemonSet/stratavore-agent",
      "Deployment/stratavore-server",
      "Ingress/stratavore",
      "Namespace/stratavore",
      "Namespace/stratavore-agents",
      "PersistentVolumeClaim/stratavore-server-data",
      "PodDisruptionBudget/stratavore-server",
      "Secret/stratavore-agent",
      "Secret/stratavore-server",
      "Service/stratavore-server",
    ]);
  });

  it.each(manifests.map((m) => [`${m.file}: ${m.object.kind}/${m.object.metadata.name}`, m.object]))(
    "%s matches its Kubernetes schema",
    async (_, object) => {
      const Model = await modelFor(object.apiVersion, object.kind);
      expect(() => new Model(object).validate()).not.toThrow();
    },
  );

  it("put every namespaced object in one of the namespaces they create", () => {
    const namespaces = manifests.filter((m) => m.object.kind === "Namespace").map((m) => m.object.metadata.name);
    for (const { file, object } of manifests.filter((m) => m.object.kind !== "Namespace"))
      expect(namespaces, `${file}: ${object.kind}/${object.metadata.name}`).toContain(object.metadata.namespace);
  });

  it("keep Secrets in *.example.yaml files, with placeholder values only", () => {
    const secrets = manifests.filter((m) => m.object.kind === "Secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const { file, object } of secrets) {
      expect(file).toMatch(/\.example\.yaml$/);
      expect(object.data, `${file} must use stringData`).toBeUndefined();
      for (const [key, value] of Object.entries(object.stringData as Record<string, string>))
        expect(value, `${file}: ${key}`).toContain("CHANGE-ME");
    }
  });

  it("list in kustomization.yaml every file that needs no editing, and no example", () => {
    const kustomization = parse(readFileSync(join(K8S_DIR, "kustomization.yaml"), "utf8")) as {
      kind: string;
      resources: string[];
    };
    expect(kustomization.kind).toBe("Kustomization");
    const applied = yamlFiles().filter((f) => f !== "kustomization.yaml" && !f.endsWith(".example.yaml"));
    expect([...kustomization.resources].sort()).toEqual(applied);
  });
});
