import type { Budget } from "@stratavore/contracts";
import { RingGauge } from "@stratavore/ui";
import { gaugeTone, usedShare } from "./budget-format";

/** The budget's fraction as a ring, coloured by state (grey when disabled); tests read data-fraction. */
export function BudgetGauge({ budget: b }: { budget: Budget }) {
  return (
    <RingGauge
      fraction={b.fraction}
      tone={gaugeTone(b)}
      text={usedShare(b, true)}
      label={`${b.name}: ${usedShare(b)} used, ${b.enabled ? b.state : "disabled"}`}
      data-testid="budget-gauge"
      data-fraction={b.fraction}
      data-state={b.state}
    />
  );
}
