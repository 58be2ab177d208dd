import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readEnv } from "../apps/server/src/env.ts";

/**
 * docker/compose.yaml cannot be brought up here (its images come from registries this machine
 * cannot reach; scripts/test-containers.ts runs our own images instead), so what would break
 * it at `up` time is checked offline: secrets and the files behind them, host paths, the server's
 * settings as its own env.ts reads them, and the names Prometheus and Grafana reach each other by.
 */
interface Service {
  image: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  secrets?: (string | { source: string; target: string })[];
  volumes?: string[];
  ports?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
}

const DIR = import.meta.dirname;
const read = (path: string) => readFileSync(join(DIR, path), "utf8");
const compose = parse(read("compose.yaml")) as Compose;
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
/** Where each secret of a service appears inside its container. */
const secretTargets = (s: Service) =>
  new Map(
    (s.secrets ?? []).map((ref) => (typeof ref === "string" ? [`/run/secrets/${ref}`, ref] : [ref.target, ref.source])),
  );

const secretsDir = mkdtempSync(join(tmpdir(), "compose-secrets-"));
execFileSync("sh", [join(DIR, "make-secrets.sh"), secretsDir]);
afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

/** stratavore.env's settings; `enable` uncomments the lines (by name) an optional profile needs. */
function stratavoreEnv(enable: string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of read("stratavore.env").split("\n")) {
    const m = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[2] && m[3] !== undefined && (!m[1] || enable.includes(m[2]))) env[m[2]] = m[3];
  }
  return env;
}

/** The server container's environment: the image's ENV, stratavore.env, then compose's, secrets from make-secrets.sh. */
function serverEnvironment(enable: string[] = []): Record<string, string> {
  const runtime = read("Dockerfile").split(/^FROM .* AS runtime$/m)[1] ?? "";
  const imageEnv: Record<string, string> = {};
  for (const m of runtime.matchAll(/([A-Z][A-Z0-9_]+)=(\S+)/g)) if (m[1] && m[2]) imageEnv[m[1]] = m[2];
  const env: Record<string, string> = { ...imageEnv, ...stratavoreEnv(enable), ...service("server").environment };
  for (const [name, value] of Object.entries(env))
    if (name.endsWith("_FILE")) env[name] = join(secretsDir, posix.basename(value));
  return env;
}

describe("docker/compose.yaml", () => {
  it("declares every secret a service mounts, each a file docker/make-secrets.sh creates", () => {
    for (const [name, s] of Object.entries(compose.services))
      for (const source of secretTargets(s).values())
        expect(compose.secrets, `${name}: ${source}`).toHaveProperty(source);
    for (const [name, { file }] of Object.entries(compose.secrets)) {
      expect(file).toBe(`./secrets/${name}`);
      expect(existsSync(join(secretsDir, name)), `make-secrets.sh makes ${name}`).toBe(true);
    }
  });

  it("points every *_FILE variable at a secret mounted into that service", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const targets = secretTargets(s);
      for (const [variable, value] of Object.entries(s.environment ?? {}))
        if (variable.endsWith("_FILE")) expect(targets.has(value), `${name}: ${variable}=${value}`).toBe(true);
    }
  });

  it("mounts and builds from paths that exist in the repository", () => {
    for (const s of Object.values(compose.services)) {
      for (const volume of s.volumes ?? [])
        if (volume.startsWith("./")) expect(existsSync(join(DIR, volume.split(":")[0] ?? "")), volume).toBe(true);
      if (s.build) expect(existsSync(join(DIR, s.build.context, s.build.dockerfile))).toBe(true);
      if (s.env_file) expect(existsSync(join(DIR, s.env_file))).toBe(true);
    }
  });

  it("runs only the server, PostgreSQL, Prometheus and Grafana unless a profile is asked for", () => {
    const core = Object.entries(compose.services)
      .filter(([, s]) => !s.profiles)
      .map(([name]) => name);
    expect(core.sort()).toEqual(["grafana", "postgres", "prometheus", "server"]);
    const profiles = Object.values(compose.services).flatMap((s) => s.profiles ?? []);
    expect([...new Set(profiles)].sort()).toEqual(["qdrant", "rabbitmq", "redis", "s3"]);
  });

  it("gives the server settings its env.ts accepts: the postgres service, secrets from files, no local agent", () => {
    const config = readEnv([], serverEnvironment());
    expect(config).toMatchObject({ host: "0.0.0.0", port: 3000, localAgent: false, s3: null, embeddings: null });
    expect(new URL(config.databaseUrl ?? "").hostname).toBe("postgres");
    expect(config.databaseUrl).toContain(readFileSync(join(secretsDir, "postgres_password"), "utf8").trim());
    expect(config.metrics.token).toMatch(/^[0-9a-f]{48}$/);
    const published = service("server").ports?.[0] ?? "";
    expect(published, "the container port is the server's PORT").toMatch(new RegExp(`:${config.port}$`));
    expect(published).toContain(`:\${STRATAVORE_PORT:-${new URL(config.publicUrl).port}}:`);
  });

  it("turns S3 (MinIO) and embeddings (Qdrant) on with the lines stratavore.env has for them", () => {
    const config = readEnv(
      [],
      serverEnvironment(["STRATAVORE_S3_BUCKET", "STRATAVORE_S3_ENDPOINT", "QDRANT_URL", "STRATAVORE_EMBEDDINGS_URL"]),
    );
    expect(new URL(config.s3?.endpoint ?? "").hostname).toBe("minio");
    expect(config.s3?.accessKeyId).toBe("stratavore");
    expect(new URL(config.embeddings?.qdrantUrl ?? "").hostname).toBe("qdrant");
    const minio = service("minio").environment ?? {};
    expect(minio.MINIO_ROOT_PASSWORD_FILE?.endsWith("/s3_secret_access_key"), "the server's key is MinIO's").toBe(true);
  });

  it("has Prometheus scrape the server with the server's metrics token, and Grafana read that Prometheus", () => {
    const prometheus = parse(read("prometheus/prometheus.yml")) as {
      scrape_configs: { authorization: { credentials_file: string }; static_configs: { targets: string[] }[] }[];
    };
    const job = prometheus.scrape_configs[0];
    expect(job?.static_configs[0]?.targets).toEqual([`server:${readEnv([], serverEnvironment()).port}`]);
    const tokenPath = posix.join("/etc/prometheus", job?.authorization.credentials_file ?? "");
    const serverToken = service("server").environment?.STRATAVORE_METRICS_TOKEN_FILE ?? "";
    expect(secretTargets(service("prometheus")).get(tokenPath)).toBe(secretTargets(service("server")).get(serverToken));

    const datasource = parse(read("grafana/provisioning/datasources/prometheus.yaml")) as {
      datasources: { url: string }[];
    };
    expect(new URL(datasource.datasources[0]?.url ?? "").hostname).toBe("prometheus");
    const provider = parse(read("grafana/provisioning/dashboards/stratavore.yaml")) as {
      providers: { options: { path: string } }[];
    };
    expect(service("grafana").volumes).toContain(`./grafana/dashboards:${provider.providers[0]?.options.path}:ro`);
  });
});
