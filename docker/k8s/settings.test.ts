import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { readAgentEnv } from "../../apps/agent/src/env.ts";
import { readEnv } from "../../apps/server/src/env.ts";
import { addAgentFlags } from "../../libs/agent/src/agent-flags.ts";
import { find, K8S_DIR, loadManifests, podTemplate, type Container, type K8sObject } from "./manifests.ts";

/**
 * The environment and arguments the manifests give each process, read by that process's own
 * code: the server's env.ts schema; the agent app's env.ts and flags. A
 * misspelt setting, a value of the wrong form or a flag the agent lacks fails here instead of in
 * a crash-looping pod.
 */
const manifests = loadManifests();
const secrets = (namespace: string | undefined, name: string) => {
  const secret = manifests.find(
    (m) => m.object.kind === "Secret" && m.object.metadata.name === name && m.object.metadata.namespace === namespace,
  );
  return (secret?.object.stringData as Record<string, string> | undefined) ?? {};
};

/** The environment Kubernetes would give the container, secrets from the example Secrets. */
function environmentOf(workload: K8sObject, container: Container, fields: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    const fieldPath = e.valueFrom?.fieldRef?.fieldPath;
    env[e.name] = ref
      ? secrets(workload.metadata.namespace, ref.name)[ref.key]
      : fieldPath
        ? fields[fieldPath]
        : e.value;
  }
  return env;
}

/** The setting names apps/server/src/env.ts declares (its zod object's keys). */
const serverSettings = [
  ...readFileSync(join(K8S_DIR, "../../apps/server/src/env.ts"), "utf8").matchAll(/^ {2}([A-Z][A-Z0-9_]*): z\./gm),
].map((m) => m[1]);

describe("the server's environment in server-deployment.yaml", () => {
  const deployment = find(manifests, "Deployment", "stratavore-server");
  const pod = podTemplate(deployment);
  const server = pod.spec.containers[0] as Container;
  const env = environmentOf(deployment, server);

  it("sets only settings the server reads", () => {
    expect(serverSettings.length).toBeGreaterThan(20);
    for (const name of Object.keys(env)) expect(serverSettings, name).toContain(name);
  });

  it("is refused while the Secret still holds the example's placeholders", () => {
    expect(() => readEnv([], env)).toThrow(
      /Invalid configuration:[\s\S]*STRATAVORE_ADMIN_PASSWORD[\s\S]*STRATAVORE_SECRET/,
    );
  });

  it("with real secrets, serves every interface from the data volume behind a proxy, without a local agent", () => {
    const real = {
      ...env,
      STRATAVORE_SECRET: "s".repeat(48),
      STRATAVORE_ADMIN_PASSWORD: "a-long-password",
      STRATAVORE_METRICS_TOKEN: "m".repeat(32),
    };
    const config = readEnv([], real);
    expect(config).toMatchObject({ host: "0.0.0.0", port: 3000, localAgent: false, trustProxy: true });
    expect(config.publicUrl).toMatch(/^https:\/\//);
    expect(config.databaseUrl).toMatch(/^postgresql:\/\//);
    const mount = server.volumeMounts?.find((m) => m.mountPath === config.dataDir);
    const volume = pod.spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim, "STRATAVORE_DATA_DIR must be on the claim").toBeDefined();
  });
});

describe("the agent's environment and arguments in agent-daemonset.yaml", () => {
  const daemonSet = find(manifests, "DaemonSet", "stratavore-agent");
  const agent = podTemplate(daemonSet).spec.containers[0] as Container;
  const env = environmentOf(daemonSet, agent, { "spec.nodeName": "worker-1" });
  const args = (agent.args ?? []).map((a) => a.replace(/\$\((\w+)\)/g, (_, name: string) => env[name] ?? ""));

  /** What apps/agent/src/main.ts makes of that environment and those arguments (throws on an unknown flag). */
  const agentFlags = () => {
    const command = addAgentFlags(new Command(), readAgentEnv(env));
    command.exitOverride().parse(args, { from: "user" });
    return command.opts<{ server?: string; joinToken?: string; dataDir?: string; name?: string }>();
  };

  it("run the image's entrypoint, the agent, with only flags it has", () => {
    expect(agent.command, "the entrypoint of docker/agent.Dockerfile is the agent").toBeUndefined();
    expect(agentFlags().name, "named after the machine, not the pod").toBe("worker-1");
  });

  it("give the agent a server, a join token and a data directory on the node's disk", () => {
    const flags = agentFlags();
    expect(flags.server).toBe(env.STRATAVORE_SERVER);
    expect(flags.joinToken).toBe(secrets(daemonSet.metadata.namespace, "stratavore-agent").STRATAVORE_JOIN_TOKEN);
    expect(flags.dataDir).toBe(env.STRATAVORE_AGENT_DATA_DIR);
    const mount = agent.volumeMounts?.find((m) => flags.dataDir?.startsWith(`${m.mountPath}/`));
    const volume = podTemplate(daemonSet).spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.hostPath, "the node credential must outlive the pod").toBeDefined();
  });
});
