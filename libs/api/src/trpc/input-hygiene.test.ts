import { describe, expect, it } from "vitest";
import { AppError } from "@stratavore/contracts";
import { checkInputHygiene } from "./input-hygiene.ts";

const refusal = (input: unknown) => {
  try {
    checkInputHygiene(input);
    return null;
  } catch (err) {
    return err instanceof AppError ? [err.code, err.message] : String(err);
  }
};

describe("input hygiene", () => {
  it("passes clean input, dates included", () => {
    expect(refusal({ name: "ok", tags: ["a", "b"], since: new Date(), n: 1, none: null })).toBeNull();
    expect(refusal(undefined)).toBeNull();
  });

  it("names the field that holds a NUL, a forbidden key or too much depth", () => {
    expect(refusal({ a: [{ b: "x\u0000y" }] })).toEqual([
      "VALIDATION",
      "Invalid input — a.0.b: must not contain NUL characters.",
    ]);
    expect(refusal("\u0000")).toEqual(["VALIDATION", "Invalid input — input: must not contain NUL characters."]);
    expect(refusal({ outer: JSON.parse('{"__proto__": {"x": 1}}') as unknown })).toEqual([
      "VALIDATION",
      "Invalid input — outer: has a forbidden key.",
    ]);
    let deep: unknown = "bottom";
    for (let i = 0; i < 25; i++) deep = { d: deep };
    expect(refusal(deep)).toEqual([
      "VALIDATION",
      `Invalid input — ${Array(20).fill("d").join(".")}: is nested deeper than 20 levels.`,
    ]);
  });
});
