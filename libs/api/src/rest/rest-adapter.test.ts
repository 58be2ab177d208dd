import { describe, expect, it } from "vitest";
import { AppError } from "@stratavore/contracts";
import { procedureContract } from "../app/procedure-schemas.ts";
import { matchRoute } from "./match-route.ts";
import { openApiDocument } from "./openapi-document.ts";
import { inputFromQuery } from "./query-input.ts";
import { REST_ROUTES } from "./rest-routes.ts";

const codeOf = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

describe("REST adapter", () => {
  it("names only procedures that exist, once per method and path", () => {
    for (const r of REST_ROUTES) expect(procedureContract(r.procedure), r.procedure).not.toBeNull();
    const keys = REST_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("reads a query string as the contract types it", () => {
    const q = new URLSearchParams("limit=20&status=active&project=web");
    expect(inputFromQuery("runners.list", q)).toEqual({ limit: 20, status: "active", project: "web" });
    expect(inputFromQuery("projects.list", new URLSearchParams("includeArchived=true"))).toEqual({
      includeArchived: true,
    });
    // Not a number: passed as written, so the contract's validation names the field.
    expect(inputFromQuery("runners.list", new URLSearchParams("limit=lots"))).toEqual({ limit: "lots" });
  });

  it("matches path parameters, decodes them, and refuses unknown routes (NOT_FOUND) and methods (METHOD_NOT_ALLOWED)", () => {
    expect(matchRoute("GET", "/api/v1/projects/my%20app")).toMatchObject({
      route: { procedure: "projects.get" },
      params: { ref: "my app" },
    });
    expect(matchRoute("POST", "/api/v1/runners/abc/stop/").route.procedure).toBe("runners.stop");
    expect(codeOf(() => matchRoute("GET", "/api/v1/nothing"))).toBe("NOT_FOUND");
    expect(codeOf(() => matchRoute("PUT", "/api/v1/projects"))).toBe("METHOD_NOT_ALLOWED");
    expect(codeOf(() => matchRoute("GET", "/api/v1/projects/%E0%A4%A"))).toBe("VALIDATION");
  });

  it("documents each route's path parameters, body and answer", () => {
    const doc = openApiDocument("t") as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const kill = doc.paths["/api/v1/runners/{id}/kill"]!.post!;
    expect(kill.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(kill.requestBody).toBeUndefined();
    // A stop's body is optional: only `onlyRestart` (cancel a waiting restart, nothing else).
    const stop = doc.paths["/api/v1/runners/{id}/stop"]!.post! as { requestBody: { required: boolean } };
    expect(stop.requestBody.required).toBe(false);
    expect(JSON.stringify(stop.requestBody)).toContain('"onlyRestart"');
    const create = doc.paths["/api/v1/projects"]!.post! as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    expect(create.requestBody.content["application/json"]!.schema.required).toEqual(["name", "path"]);
    const runner = JSON.stringify(doc.paths["/api/v1/runners/{id}"]!.get!.responses);
    expect(runner).toContain('"format":"date-time"');
    // A usage range's ends say which is included (a bare `until` date once read as inclusive).
    const usage = doc.paths["/api/v1/usage"]!.get!.parameters as { name: string; schema: { description?: string } }[];
    const described = Object.fromEntries(usage.map((p) => [p.name, p.schema.description]));
    expect(described.since).toMatch(/included/);
    expect(described.until).toMatch(/excluded.*until=2026-10-18 ends with 2026-10-17/);
  });
});
