/** The parts of an OpenAPI 3.1 document the API reference page shows. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: Array<{ name: string; in: "path" | "query"; required: boolean; schema: JsonSchema }>;
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { content: { "application/json": { schema: JsonSchema } } }>;
}

export interface OpenApiDoc {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Field {
  name: string;
  where: "path" | "query" | "body";
  required: boolean;
  type: string;
}

export interface Endpoint {
  method: string;
  path: string;
  op: OpenApiOperation;
  fields: Field[];
  /** The answer's top-level fields (of each item, for a list). */
  returns: string;
}

/** A schema in a few words: `string`, `integer ≥ 1`, `"md" | "jsonl"`, `date-time`, `string[]`. */
export function describeType(s: JsonSchema | undefined): string {
  if (!s) return "any";
  if (s.anyOf) return [...new Set(s.anyOf.map(describeType))].join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.format === "date-time") return "date-time";
  const type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  if (type === "array") return `${describeType(s.items)}[]`;
  if (type === "object") return "object";
  return type ?? "any";
}

function returnsOf(s: JsonSchema | undefined): string {
  if (!s) return "—";
  const target = s.type === "array" ? s.items : s;
  const fields = Object.keys(target?.properties ?? {});
  const shape = fields.length
    ? `{ ${fields.slice(0, 8).join(", ")}${fields.length > 8 ? ", …" : ""} }`
    : describeType(target);
  return s.type === "array" ? `[${shape}]` : shape;
}

/** The document's operations grouped by tag, in the order the document lists them. */
export function endpointsByTag(doc: OpenApiDoc): Array<[tag: string, endpoints: Endpoint[]]> {
  const groups = new Map<string, Endpoint[]>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const params: Field[] = (op.parameters ?? []).map((p) => ({
        name: p.name,
        where: p.in,
        required: p.required,
        type: describeType(p.schema),
      }));
      const body = op.requestBody?.content["application/json"].schema;
      const bodyFields: Field[] = Object.entries(body?.properties ?? {}).map(([name, schema]) => ({
        name,
        where: "body",
        required: body?.required?.includes(name) ?? false,
        type: describeType(schema),
      }));
      const tag = op.tags[0] ?? "Other";
      const list = groups.get(tag) ?? [];
      list.push({
        method: method.toUpperCase(),
        path,
        op,
        fields: [...params, ...bodyFields],
        returns: returnsOf(op.responses["200"]?.content["application/json"].schema),
      });
      groups.set(tag, list);
    }
  return [...groups.entries()];
}

/** A curl line for an endpoint, with the token in an environment variable (never pasted in). */
export function curlFor(origin: string, e: Endpoint): string {
  const path = e.path.replace(/\{(\w+)\}/g, (_, name: string) => `<${name}>`);
  const body = e.fields.filter((f) => f.where === "body" && f.required);
  const data = body.length
    ? ` -H 'content-type: application/json' -d '${JSON.stringify(Object.fromEntries(body.map((f) => [f.name, `<${f.name}>`])))}'`
    : "";
  const method = e.method === "GET" ? "" : ` -X ${e.method}`;
  return `curl${method} -H "Authorization: Bearer $STRATAVORE_TOKEN" ${origin}${path}${data}`;
}
