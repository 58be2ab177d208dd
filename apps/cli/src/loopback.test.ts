import { describe, expect, it } from "vitest";
import { isLoopback } from "./loopback.ts";

describe("isLoopback (uploads to this machine go uncompressed)", () => {
  it("knows this machine's names and addresses", () => {
    for (const url of ["http://localhost:3000", "http://127.0.0.1:3000", "https://127.1.2.3", "http://[::1]:3000/"])
      expect(isLoopback(url)).toBe(true);
  });
  it("treats every other host as another machine", () => {
    for (const url of [
      "https://stratavore.example.com",
      "http://10.0.0.5:3000",
      "http://localhost.example.com",
      "http://[::2]",
    ])
      expect(isLoopback(url)).toBe(false);
  });
});
