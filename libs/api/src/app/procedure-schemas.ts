import { z } from "zod";
import { appRouter } from "./app-router.ts";

/** The subset of JSON Schema that zod's toJSONSchema emits for our contracts. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface ProcedureInput {
  path: string;
  type: "query" | "mutation" | "subscription";
  /** The input as a client sends it (JSON Schema); `{}` for a procedure without input. */
  input: JsonSchema;
}

interface ProcedureDef {
  _def: { type: ProcedureInput["type"]; inputs: z.ZodType[]; output?: z.ZodType };
}

const procedures = () =>
  (appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } })._def.procedures;

/** One procedure's contracts (zod), for the REST adapter and the OpenAPI document. */
export function procedureContract(
  path: string,
): { type: ProcedureInput["type"]; input: z.ZodType | undefined; output: z.ZodType | undefined } | null {
  const p = procedures()[path];
  return p ? { type: p._def.type, input: p._def.inputs[0], output: p._def.output } : null;
}

/**
 * Every procedure of the router with its input contract as JSON Schema: what the fuzz test
 * draws inputs from and the input-limits test checks (and an API reference can be built on).
 */
export function procedureInputs(): ProcedureInput[] {
  return Object.entries(procedures()).map(([path, p]) => {
    const [schema] = p._def.inputs;
    return {
      path,
      type: p._def.type,
      input: (schema ? z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) : {}) as JsonSchema,
    };
  });
}
