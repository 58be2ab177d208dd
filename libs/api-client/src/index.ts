export type { AppRouter } from "@stratavore/api";
export { createApiClient, type ApiClient, type ApiClientOptions } from "./client.ts";
export { describeError, type DescribedError } from "./describe-error.ts";
export type { RouterInputs, RouterOutputs } from "./router-types.ts";
