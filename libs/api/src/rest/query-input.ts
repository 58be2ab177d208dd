import { procedureContract } from "../app/procedure-schemas.ts";
import { jsonSchemaOf } from "./openapi-document.ts";

type Schema = { type?: string | string[]; anyOf?: Schema[]; items?: Schema };

const typesOf = (s: Schema | undefined): string[] =>
  !s ? [] : s.anyOf ? s.anyOf.flatMap(typesOf) : Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];

// Contracts are fixed at start-up: each procedure's JSON Schema is converted once, not per request.
const propertiesByProcedure = new Map<string, Record<string, Schema>>();

function inputProperties(procedure: string): Record<string, Schema> {
  let props = propertiesByProcedure.get(procedure);
  if (!props) {
    const contract = procedureContract(procedure);
    props = (contract?.input ? (jsonSchemaOf(contract.input, "input").properties ?? {}) : {}) as Record<string, Schema>;
    propertiesByProcedure.set(procedure, props);
  }
  return props;
}

/**
 * A GET's query string as the procedure's input: each value read as its contract types it
 * (numbers, booleans, repeated or comma-separated arrays). What cannot be read that way is
 * passed as the string it is, so the contract's own validation names the field.
 */
export function inputFromQuery(procedure: string, query: URLSearchParams): Record<string, unknown> {
  const props = inputProperties(procedure);
  const input: Record<string, unknown> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    const types = typesOf(props[name]);
    if (types.includes("array")) input[name] = values.flatMap((v) => v.split(",")).filter(Boolean);
    else input[name] = scalar(values.at(-1) ?? "", types);
  }
  return input;
}

function scalar(raw: string, types: string[]): unknown {
  if ((types.includes("integer") || types.includes("number")) && raw.trim() !== "" && Number.isFinite(Number(raw)))
    return Number(raw);
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  if (types.includes("null") && raw === "null") return null;
  return raw;
}

/**
 * What a call with nothing in its query string or body passes: nothing, or `{}` where the
 * contract takes an object whose fields are all optional (`GET /api/v1/usage` with no query
 * was refused "expected object, received undefined").
 */
export function emptyInput(procedure: string): Record<string, never> | undefined {
  const schema = procedureContract(procedure)?.input;
  if (!schema || schema.safeParse(undefined).success) return undefined;
  return schema.safeParse({}).success ? {} : undefined;
}
