import { usdOnlyLowerBound, type Budget } from "@stratavore/contracts";
import { RingGauge } from "@stratavore/ui";
import { gaugeTone } from "./budget-format";

/** The budget's fraction as a ring, coloured by state (grey when disabled); tests read data-fraction. */
export function BudgetGauge({ budget: b }: { budget: Budget }) {
  return (
    <RingGauge
      fraction={b.fraction}
      tone={gaugeTone(b)}
      label={`${b.name}: ${usdOnlyLowerBound(b) ? "at least " : ""}${Math.round(b.fraction * 100)}% used, ${b.enabled ? b.state : "disabled"}`}
      data-testid="budget-gauge"
      data-fraction={b.fraction}
      data-state={b.state}
    />
  );
}
