import { z } from "zod";
import { ERROR_CODES } from "@stratavore/contracts";
import { procedureContract } from "../app/procedure-schemas.ts";
import { REST_PREFIX, REST_ROUTES, type RestRoute } from "./rest-routes.ts";

type Schema = Record<string, unknown>;

/** zod → JSON Schema (2020-12, which OpenAPI 3.1 uses), with dates as RFC 3339 strings as JSON carries them. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Schema {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      const type = (ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type;
      if (type === "date") Object.assign(ctx.jsonSchema, { type: "string", format: "date-time" });
    },
  }) as Schema;
  delete out.$schema;
  return out;
}

/** The path parameters of a route template, in order. */
export const pathParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");

const errorBody: Schema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: Object.keys(ERROR_CODES) },
        message: { type: "string" },
        issues: {
          type: "array",
          items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
  },
};

function operation(route: RestRoute): Schema {
  const contract = procedureContract(route.procedure);
  if (!contract) throw new Error(`REST route ${route.method} ${route.path} names no procedure '${route.procedure}'`);
  const input = contract.input ? jsonSchemaOf(contract.input, "input") : { type: "object", properties: {} };
  const props = (input.properties ?? {}) as Record<string, Schema>;
  const required = new Set((input.required as string[] | undefined) ?? []);
  const inPath = pathParams(route.path);
  const parameters: Schema[] = inPath.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: props[name] ?? { type: "string" },
  }));
  let requestBody: Schema | undefined;
  const rest = Object.keys(props).filter((k) => !inPath.includes(k));
  if (route.method === "GET" || route.method === "DELETE") {
    for (const name of rest)
      parameters.push({ name, in: "query", required: required.has(name), schema: props[name], explode: true });
  } else if (rest.length) {
    const body: Schema = { type: "object", properties: Object.fromEntries(rest.map((k) => [k, props[k]])) };
    const bodyRequired = rest.filter((k) => required.has(k));
    if (bodyRequired.length) body.required = bodyRequired;
    requestBody = { required: bodyRequired.length > 0, content: { "application/json": { schema: body } } };
  }
  const ok = contract.output ? jsonSchemaOf(contract.output, "output") : {};
  return {
    operationId: route.procedure,
    summary: route.summary,
    tags: [route.tag],
    // Overrides the document's bearer requirement: this one answers anyone.
    ...(route.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      "200": { description: "OK", content: { "application/json": { schema: ok } } },
      default: {
        description: "An error: a stable code, a message for people, and field issues for invalid input",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the REST routes, generated from the zod contracts the procedures use. */
export function openApiDocument(version: string, serverUrl?: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of REST_ROUTES) {
    const key = `${REST_PREFIX}${route.path}`;
    (paths[key] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Stratavore API",
      version,
      description:
        "Projects, runners, sessions, usage and budgets over REST, with the same contracts as the dashboard's tRPC API. Authenticate with an API token: `Authorization: Bearer <token>` (Settings → API tokens, or `stratavore token create`). Reads need the read scope, changes the write scope.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A Stratavore API token" } },
      schemas: { Error: errorBody },
    },
    paths,
  };
}
