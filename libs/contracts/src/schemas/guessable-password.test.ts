import { describe, expect, it } from "vitest";
import { passwordSchema } from "./user.ts";

const refused = (p: string) => {
  const r = passwordSchema.safeParse(p);
  return r.success ? null : r.error.issues.map((i) => i.message).join("; ");
};

describe("passwordSchema", () => {
  it("refuses the first guesses however long: repeats, runs, common words padded with digits and signs", () => {
    for (const p of [
      "aaaaaaaaaaaa",
      "ababababab",
      "1212121212",
      "0123456789",
      "abcdefghijkl",
      "9876543210",
      "1234567890!",
      "Password2024!",
      "password123",
      "P@ssw0rd1234",
      "qwerty123456",
      "Qwertyuiop1",
      "iloveyou12",
      "Stratavore2026",
      "!!!2024!!!!",
    ])
      expect(refused(p), p).toMatch(/^Too easy to guess: /);
  });

  it("takes passwords that are none of those, and says only 'at least 10' of a short one", () => {
    for (const p of ["correct horse battery", "a-long-password", "0123456789ab", "x7!Qm2#pLw", "right-password-123"])
      expect(refused(p), p).toBeNull();
    expect(refused("short")).toBe("At least 10 characters");
  });
});
