export * from "./errors/error-codes.ts";
export * from "./errors/app-error.ts";
export * from "./schemas/common.ts";
export * from "./schemas/user.ts";
export * from "./schemas/api-token.ts";
export * from "./schemas/project.ts";
export * from "./schemas/system.ts";
export * from "./realtime/events.ts";
