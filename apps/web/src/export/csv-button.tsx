"use client";
import { Button } from "@stratavore/ui";
import { downloadText } from "../sessions/download";
import { toCsv } from "./csv";

/** "CSV" beside a table: the rows it shows, with full figures (not the rounded ones on screen). */
export function CsvButton<T>({
  filename,
  columns,
  rows,
}: {
  filename: string;
  columns: [header: string, value: (row: T) => unknown][];
  rows: readonly T[];
}) {
  return (
    <Button
      size="sm"
      variant="ghost"
      disabled={rows.length === 0}
      aria-label={`Download ${filename} as CSV`}
      onClick={() => downloadText(filename, "text/csv;charset=utf-8", toCsv(columns, rows))}
    >
      CSV
    </Button>
  );
}
