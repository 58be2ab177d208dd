import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, it } from "vitest";
import { CostFigure } from "./layout-bits.tsx";

const html = (usd: number | null, unpriced = 0, estimated = 0) =>
  renderToStaticMarkup(createElement(CostFigure, { usd, unpriced, estimated }));

it("puts the unpriced tokens on their own small line under the dollars, in formatCost's words", () => {
  expect(html(74.46, 474_000)).toBe('$74.46<span class="tile-sub"> +474.0k unpriced</span>');
  expect(html(74.46)).toBe("$74.46");
  expect(html(1.2, 0, 1.2)).toBe("~$1.20");
  // All unpriced: no dollar figure at all, never "$0.00".
  expect(html(0, 3_400)).toBe("+3.4k unpriced");
});
