"use client";
import { useState, type FormEvent } from "react";
import { cachePricesFrom } from "@stratavore/contracts";
import { Button, Field, TextInput } from "@stratavore/ui";

export interface PriceValues {
  modelPattern: string;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

const FIELDS: { key: keyof Omit<PriceValues, "modelPattern">; label: string }[] = [
  { key: "input", label: "Input" },
  { key: "output", label: "Output" },
  { key: "cacheWrite5m", label: "Cache write 5 m" },
  { key: "cacheWrite1h", label: "Cache write 1 h" },
  { key: "cacheRead", label: "Cache read" },
];

/** USD per million tokens; cache prices default from the input price the way Anthropic sets them. */
export function PriceOverrideForm({ busy, onSubmit }: { busy: boolean; onSubmit: (v: PriceValues) => void }) {
  const [model, setModel] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = Number(values.input ?? 0);
    const defaults = cachePricesFrom(input);
    const num = (k: string, dflt: number) => (values[k] ? Number(values[k]) : dflt);
    onSubmit({
      modelPattern: model.trim(),
      input,
      output: num("output", 0),
      cacheWrite5m: num("cacheWrite5m", defaults.cacheWrite5m),
      cacheWrite1h: num("cacheWrite1h", defaults.cacheWrite1h),
      cacheRead: num("cacheRead", defaults.cacheRead),
    });
  };
  return (
    <form className="form form-inline" onSubmit={submit} noValidate>
      <Field label="Model id" htmlFor="price-model" hint="exact id, e.g. claude-opus-5 (its dated ids match it)">
        <TextInput id="price-model" value={model} onChange={(e) => setModel(e.target.value)} required />
      </Field>
      {FIELDS.map((f) => (
        <Field key={f.key} label={`${f.label} $/MTok`} htmlFor={`price-${f.key}`}>
          <TextInput
            id={`price-${f.key}`}
            type="number"
            min={0}
            step="0.01"
            value={values[f.key] ?? ""}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
          />
        </Field>
      ))}
      <Button type="submit" variant="primary" busy={busy}>
        Save override
      </Button>
    </form>
  );
}
