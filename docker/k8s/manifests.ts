import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/** What the checks read of a Kubernetes object; everything else stays `unknown` until looked at. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface Manifest {
  file: string;
  object: K8sObject;
}

export const K8S_DIR = import.meta.dirname;

export const yamlFiles = (dir = K8S_DIR): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();

/**
 * Every document of every YAML file. Parsed as YAML 1.1, as Kubernetes reads manifests: there an
 * unquoted `0700` is octal and `on` a boolean, so what the checks see is what the API server sees.
 */
export function loadManifests(dir = K8S_DIR): Manifest[] {
  return yamlFiles(dir).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), "utf8"), { version: "1.1" }).flatMap((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
      const object = doc.toJSON() as K8sObject | null;
      return object ? [{ file, object }] : [];
    }),
  );
}

interface ModelClass {
  new (data: unknown): { validate(): void };
  apiVersion: string;
  kind: string;
}

type Models = Record<string, ModelClass | undefined>;

/** The kubernetes-models class for an apiVersion and kind: `apps/v1` → `kubernetes-models/apps/v1`, `v1` → `…/v1`. */
export async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const models = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}`)) as Models;
  const model = models[kind];
  if (!model || model.apiVersion !== apiVersion || model.kind !== kind)
    throw new Error(`kubernetes-models has no ${kind} in ${apiVersion}`);
  return model;
}

// The shapes the cross-reference checks walk; the schemas have already vouched for them.
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } };
}
export interface Probe {
  httpGet?: { path?: string; port: number | string };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: Record<string, unknown> & { seccompProfile?: { type: string } };
    volumes?: ({ name: string } & Record<string, unknown>)[];
  };
}

export const find = (manifests: Manifest[], kind: string, name: string): K8sObject => {
  const found = manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in docker/k8s`);
  return found.object;
};

export const podTemplate = (workload: K8sObject): PodTemplate => (workload.spec as { template: PodTemplate }).template;

export const allContainers = (pod: PodTemplate): Container[] => [
  ...(pod.spec.initContainers ?? []),
  ...pod.spec.containers,
];

/** A Kubernetes label selector (matchLabels or a Service's plain map) picks these labels. */
export const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

export const envValue = (container: Container, name: string): string | undefined =>
  container.env?.find((e) => e.name === name)?.value;
