import { describe, expect, it } from "vitest";
import { usedShare } from "./budget-format";

describe("usedShare", () => {
  it("says 'at least' only for a dollar-only budget over usage with no price", () => {
    const share = (limitUsd: number | null, unpricedTokens: number, short?: boolean) =>
      usedShare({ fraction: 0.574, limitUsd, unpricedTokens }, short);
    expect(share(5, 1000)).toBe("at least 57 %");
    expect(share(5, 1000, true)).toBe("≥57%");
    // Priced usage only, or a budget that counts tokens: the figure is whole.
    expect(share(5, 0)).toBe("57 %");
    expect(share(null, 1000, true)).toBe("57%");
  });
});
