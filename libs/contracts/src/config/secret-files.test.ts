import { describe, expect, it } from "vitest";
import { withSecretFiles } from "./secret-files.ts";

const files: Record<string, string> = { "/run/secrets/key": "s3cr3t-value\n", "/run/secrets/empty": "" };
const read = (path: string) => {
  const v = files[path];
  if (v === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
  return v;
};

describe("withSecretFiles", () => {
  it("reads <NAME>_FILE into NAME, dropping the trailing newline, and leaves other settings alone", () => {
    const env = withSecretFiles({ STRATAVORE_SECRET_FILE: "/run/secrets/key", PORT: "3000" }, read);
    expect(env.STRATAVORE_SECRET).toBe("s3cr3t-value");
    expect(env.PORT).toBe("3000");
    expect(withSecretFiles({ STRATAVORE_JOIN_TOKEN_FILE: "/run/secrets/key" }, read).STRATAVORE_JOIN_TOKEN).toBe(
      "s3cr3t-value",
    );
  });

  it("refuses both forms at once, an unreadable file and an empty one, naming the setting", () => {
    expect(() => withSecretFiles({ DATABASE_URL: "x", DATABASE_URL_FILE: "/run/secrets/key" }, read)).toThrow(
      "Set DATABASE_URL or DATABASE_URL_FILE, not both.",
    );
    expect(() => withSecretFiles({ QDRANT_API_KEY_FILE: "/nope" }, read)).toThrow(
      "QDRANT_API_KEY_FILE: cannot read /nope (ENOENT).",
    );
    expect(() => withSecretFiles({ STRATAVORE_TOKEN_FILE: "/run/secrets/empty" }, read)).toThrow("is empty");
  });
});
