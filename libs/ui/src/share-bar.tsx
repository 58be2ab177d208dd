export interface ShareSegment {
  key: string;
  label: string;
  value: number;
  color: string;
}

/** One horizontal bar split into coloured parts in proportion to their values (a stacked view in a table cell). */
export function ShareBar({ segments, title }: { segments: ShareSegment[]; title?: string }) {
  const total = segments.reduce((sum, s) => sum + Math.max(0, s.value), 0);
  return (
    <div className="share-bar" title={title}>
      {total > 0
        ? segments.map((s) =>
            s.value > 0 ? (
              <span
                key={s.key}
                className="share-part"
                style={{ width: `${(s.value / total) * 100}%`, background: s.color }}
                title={`${s.label}: ${Math.round((s.value / total) * 100)}%`}
              />
            ) : null,
          )
        : null}
    </div>
  );
}

/** The colour key for a ShareBar or chart, as a wrapping row of swatches. */
export function ColorLegend({ items }: { items: Pick<ShareSegment, "key" | "label" | "color">[] }) {
  return (
    <ul className="legend">
      {items.map((i) => (
        <li key={i.key}>
          <span className="legend-swatch" style={{ background: i.color }} aria-hidden />
          {i.label}
        </li>
      ))}
    </ul>
  );
}
