/** Settings that hold secrets; each may instead name a file with `<NAME>_FILE`. */
export const SECRET_SETTINGS = [
  "DATABASE_URL",
  "STRATAVORE_SECRET",
  "STRATAVORE_ADMIN_PASSWORD",
  "STRATAVORE_METRICS_TOKEN",
  "STRATAVORE_S3_ACCESS_KEY_ID",
  "STRATAVORE_S3_SECRET_ACCESS_KEY",
  "STRATAVORE_EMBEDDINGS_API_KEY",
  "QDRANT_API_KEY",
  "STRATAVORE_TOKEN",
  "STRATAVORE_JOIN_TOKEN",
] as const;

/**
 * The Docker and Kubernetes secrets convention: `STRATAVORE_SECRET_FILE=/run/secrets/x` reads
 * the value from that file (one trailing newline dropped), so it never sits in the environment
 * or a manifest. Setting both forms is an error, as is a file that cannot be read or is empty.
 * Pure: the app's env.ts passes its file reader.
 */
export function withSecretFiles(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string,
): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of SECRET_SETTINGS) {
    const path = env[`${name}_FILE`];
    if (!path) continue;
    if (env[name]) throw new Error(`Set ${name} or ${name}_FILE, not both.`);
    let value: string;
    try {
      value = readFile(path).replace(/\r?\n$/, "");
    } catch (err) {
      throw new Error(`${name}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
    }
    if (!value) throw new Error(`${name}_FILE: ${path} is empty.`);
    out[name] = value;
  }
  return out;
}
