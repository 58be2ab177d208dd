import { describe, expect, it } from "vitest";
import {
  allContainers,
  envValue,
  find,
  loadManifests,
  podTemplate,
  selects,
  type Container,
  type K8sObject,
} from "./manifests.ts";

/** What ties the objects together and no schema can see: names, labels, ports, paths, images. */
const manifests = loadManifests();
const deployment = find(manifests, "Deployment", "stratavore-server");
const daemonSet = find(manifests, "DaemonSet", "stratavore-agent");
const service = find(manifests, "Service", "stratavore-server");
const serverPod = podTemplate(deployment);
const agentPod = podTemplate(daemonSet);
const server = serverPod.spec.containers.find((c) => c.name === "server") as Container;
const agent = agentPod.spec.containers.find((c) => c.name === "agent") as Container;
const servicePorts = (service.spec as { ports: { name: string; port: number; targetPort: number | string }[] }).ports;
/** A port given by name or number, as Services and probes may. */
const serverPort = (port: number | string | undefined) =>
  server.ports?.find((p) => p.name === port || p.containerPort === port);
const selectorOf = (o: K8sObject) => (o.spec as { selector: { matchLabels: Record<string, string> } }).selector;

const secretKeys = (namespace: string | undefined, name: string): string[] => {
  const secret = manifests.find(
    (m) => m.object.kind === "Secret" && m.object.metadata.name === name && m.object.metadata.namespace === namespace,
  );
  return Object.keys((secret?.object.stringData as Record<string, string> | undefined) ?? {});
};

describe("docker/k8s cross-references", () => {
  it("run only the two Stratavore images", () => {
    expect(allContainers(serverPod).map((c) => c.image)).toEqual(["stratavore/server:0.1.0"]);
    expect(new Set(allContainers(agentPod).map((c) => c.image))).toEqual(new Set(["stratavore/agent:0.1.0"]));
  });

  it("name, in every secretKeyRef, a key the example Secret of that namespace has", () => {
    for (const workload of [deployment, daemonSet])
      for (const container of allContainers(podTemplate(workload)))
        for (const ref of (container.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef ?? [])) {
          const keys = secretKeys(workload.metadata.namespace, ref.name);
          expect(keys, `${container.name}: ${ref.name}`).toContain(ref.key);
        }
  });

  it("select the server's pods from the Deployment, the Service and the PodDisruptionBudget", () => {
    const labels = serverPod.metadata.labels;
    expect(selects(selectorOf(deployment).matchLabels, labels)).toBe(true);
    expect(selects((service.spec as { selector: Record<string, string> }).selector, labels)).toBe(true);
    expect(selects(selectorOf(find(manifests, "PodDisruptionBudget", "stratavore-server")).matchLabels, labels)).toBe(
      true,
    );
    expect(selects(selectorOf(daemonSet).matchLabels, agentPod.metadata.labels)).toBe(true);
    expect(selects(selectorOf(daemonSet).matchLabels, labels)).toBe(false);
  });

  it("send the Service's traffic to the server's port 3000, which the server listens on", () => {
    const [port] = servicePorts;
    expect(serverPort(port?.targetPort)?.containerPort).toBe(3000);
    expect(port?.port).toBe(3000);
    expect(envValue(server, "PORT")).toBe("3000");
    expect(serverPod.metadata.annotations?.["prometheus.io/port"]).toBe("3000");
    expect(serverPod.metadata.annotations?.["prometheus.io/path"]).toBe("/metrics");
  });

  it("probe readiness at /readyz and liveness (and start-up) at /healthz on that port", () => {
    expect(server.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(server.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(server.startupProbe?.httpGet?.path).toBe("/healthz");
    for (const probe of [server.readinessProbe, server.livenessProbe, server.startupProbe])
      expect(serverPort(probe?.httpGet?.port)?.containerPort).toBe(3000);
  });

  it("route the Ingress to the Service, for the host the server believes it is at, over TLS", () => {
    const ingress = find(manifests, "Ingress", "stratavore").spec as {
      tls: { hosts: string[] }[];
      rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[];
    };
    const publicUrl = new URL(envValue(server, "STRATAVORE_PUBLIC_URL") ?? "");
    expect(publicUrl.protocol).toBe("https:");
    expect(ingress.rules.map((r) => r.host)).toEqual([publicUrl.hostname]);
    expect(ingress.tls.flatMap((t) => t.hosts)).toContain(publicUrl.hostname);
    const backend = ingress.rules[0]?.http.paths[0]?.backend.service;
    expect(backend?.name).toBe(service.metadata.name);
    expect(servicePorts.map((p) => p.name)).toContain(backend?.port.name);
  });

  it("point agents at the Service's in-cluster address", () => {
    const url = new URL(envValue(agent, "STRATAVORE_SERVER") ?? "");
    expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc`);
    expect(Number(url.port)).toBe(servicePorts[0]?.port);
  });

  it("mount every volume they name, and expand in args only variables the container defines", () => {
    for (const pod of [serverPod, agentPod])
      for (const container of allContainers(pod)) {
        const volumes = (pod.spec.volumes ?? []).map((v) => v.name);
        for (const mount of container.volumeMounts ?? []) expect(volumes).toContain(mount.name);
        const defined = (container.env ?? []).map((e) => e.name);
        const argv = [...(container.command ?? []), ...(container.args ?? [])].join(" ");
        for (const [, name] of argv.matchAll(/\$\((\w+)\)/g))
          expect(defined, `${container.name} expands $(${name})`).toContain(name);
      }
    const data = serverPod.spec.volumes?.find((v) => v.name === "data");
    const claim = data?.persistentVolumeClaim as { claimName: string };
    expect(find(manifests, "PersistentVolumeClaim", claim.claimName).metadata.namespace).toBe(
      deployment.metadata.namespace,
    );
  });
});
