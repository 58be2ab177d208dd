import { describe, expect, it } from "vitest";
import { curlFor, describeType, endpointsByTag, type OpenApiDoc } from "./openapi-view";

const doc: OpenApiDoc = {
  info: { title: "t", version: "1", description: "" },
  paths: {
    "/api/v1/runners": {
      post: {
        operationId: "runners.launch",
        summary: "Launch",
        tags: ["Runners"],
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { project: { type: "string" }, labels: { type: "array", items: { type: "string" } } },
                required: ["project"],
              },
            },
          },
        },
        responses: {
          "200": {
            content: { "application/json": { schema: { type: "object", properties: { id: {}, status: {} } } } },
          },
        },
      },
    },
    "/api/v1/runners/{id}": {
      get: {
        operationId: "runners.get",
        summary: "A runner",
        tags: ["Runners"],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        responses: { "200": { content: { "application/json": { schema: { type: "object" } } } } },
      },
    },
  },
};

describe("API reference view", () => {
  it("describes schemas in a few words", () => {
    expect(describeType({ anyOf: [{ type: "integer" }, { type: "null" }] })).toBe("integer | null");
    expect(describeType({ type: "string", enum: ["md", "jsonl"] })).toBe('"md" | "jsonl"');
    expect(describeType({ type: "array", items: { type: "string", format: "date-time" } })).toBe("date-time[]");
  });

  it("groups endpoints by tag with their fields and answer", () => {
    const [[tag, endpoints]] = endpointsByTag(doc) as [[string, ReturnType<typeof endpointsByTag>[0][1]]];
    expect(tag).toBe("Runners");
    expect(endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(["POST /api/v1/runners", "GET /api/v1/runners/{id}"]);
    expect(endpoints[0]!.fields).toEqual([
      { name: "project", where: "body", required: true, type: "string" },
      { name: "labels", where: "body", required: false, type: "string[]" },
    ]);
    expect(endpoints[0]!.returns).toBe("{ id, status }");
    expect(curlFor("https://s", endpoints[0]!)).toBe(
      `curl -X POST -H "Authorization: Bearer $STRATAVORE_TOKEN" https://s/api/v1/runners -H 'content-type: application/json' -d '{"project":"<project>"}'`,
    );
    expect(curlFor("https://s", endpoints[1]!)).toBe(
      `curl -H "Authorization: Bearer $STRATAVORE_TOKEN" https://s/api/v1/runners/<id>`,
    );
  });
});
