import { describe, expect, it } from "vitest";
import { allContainers, find, loadManifests, podTemplate, type Container } from "./manifests.ts";

/**
 * What the pods are allowed to do. The server's namespace enforces Pod Security "restricted", so
 * a server pod that breaks it would be refused at admission — in the cluster, not here; these
 * checks are that profile's rules, run offline. The agent needs hostPath, so its namespace cannot
 * enforce the profile; it keeps what it can of it.
 */
const manifests = loadManifests();
const deployment = find(manifests, "Deployment", "stratavore-server");
const daemonSet = find(manifests, "DaemonSet", "stratavore-agent");

const labelsOf = (namespace: string | undefined) => find(manifests, "Namespace", namespace ?? "").metadata.labels ?? {};
const hardened = (c: Container) => {
  const sc = c.securityContext ?? {};
  expect(sc.allowPrivilegeEscalation, c.name).toBe(false);
  expect(sc.privileged ?? false, c.name).toBe(false);
  expect(sc.capabilities?.drop, c.name).toEqual(["ALL"]);
};

describe("pod security in docker/k8s", () => {
  it("runs the server under the restricted profile, with a read-only root filesystem", () => {
    expect(labelsOf(deployment.metadata.namespace)["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const pod = podTemplate(deployment);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.spec.securityContext?.runAsUser).not.toBe(0);
    for (const container of allContainers(pod)) {
      hardened(container);
      expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(true);
      expect((container.securityContext?.capabilities as { add?: string[] }).add).toBeUndefined();
    }
    const allowed = ["name", "persistentVolumeClaim", "emptyDir", "secret", "configMap", "projected"];
    for (const volume of pod.spec.volumes ?? []) for (const key of Object.keys(volume)) expect(allowed).toContain(key);
    expect(pod.spec).not.toHaveProperty("hostNetwork");
  });

  it("runs the agent as a non-root user; only its init step is root, and may only change owners", () => {
    const pod = podTemplate(daemonSet);
    expect(pod.spec.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    for (const container of pod.spec.containers) {
      hardened(container);
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(container.securityContext?.runAsUser).not.toBe(0);
    }
    for (const init of pod.spec.initContainers ?? []) {
      hardened(init);
      const add = (init.securityContext?.capabilities as { add?: string[] }).add ?? [];
      expect([...add].sort()).toEqual(["CHOWN", "FOWNER"]);
      // It hands the host directories to the user the agent runs as.
      const user = String(pod.spec.containers[0]?.securityContext?.runAsUser);
      expect(init.command).toEqual(expect.arrayContaining(["-o", user, "-g", user]));
    }
  });

  it("give neither pod a Kubernetes API token", () => {
    for (const workload of [deployment, daemonSet])
      expect(podTemplate(workload).spec).toMatchObject({ automountServiceAccountToken: false });
  });
});
