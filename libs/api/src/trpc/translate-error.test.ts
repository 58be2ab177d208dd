import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { toAppError, toTrpcError } from "./translate-error.ts";

const failing = (cause: unknown) => new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause });

describe("the error translation point", () => {
  it("an exhausted pool, a transaction that could not start in time, or no connection slot left is SERVER_BUSY (503), never INTERNAL", () => {
    const overloads = [
      new Error("timeout exceeded when trying to connect"),
      Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
        code: "P2028",
      }),
      Object.assign(new Error("sorry, too many clients already"), { code: "53300" }),
      Object.assign(new Error("Too many database connections opened"), { code: "P2037" }),
    ];
    for (const cause of overloads) {
      const app = toAppError(failing(cause));
      expect(app.code).toBe("SERVER_BUSY");
      expect(app.message).toMatch(/try again/);
      expect(toTrpcError(app).code).toBe("SERVICE_UNAVAILABLE");
    }
  });

  it("any other failure stays INTERNAL with a message that shows no internals", () => {
    const app = toAppError(failing(new Error('relation "Runner" does not exist')));
    expect(app.code).toBe("INTERNAL");
    expect(app.message).not.toMatch(/Runner|relation/);
  });
});
