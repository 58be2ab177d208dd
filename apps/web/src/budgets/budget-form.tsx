"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { BUDGET_ACTIONS, BUDGET_PERIODS, BUDGET_SCOPES, type Budget } from "@stratavore/contracts";
import { Button, Field, Select, TextInput } from "@stratavore/ui";
import { useTRPC } from "../trpc";
import { ACTION_LABELS, PERIOD_LABELS } from "./budget-format";

export interface BudgetFormValues {
  name: string;
  scope: Budget["scope"];
  scopeRef: string;
  period: Budget["period"];
  limitTokens: number | null;
  limitUsd: number | null;
  warnPercent: number;
  action: Budget["action"];
}
export type BudgetFieldErrors = Partial<Record<keyof BudgetFormValues | "form", string>>;

const SCOPE_LABELS: Record<Budget["scope"], string> = {
  global: "Everything (global)",
  project: "One project",
  runner: "One runner",
};

const toNumber = (s: string): number | null => (s.trim() === "" ? null : Number(s));

/** Checks the browser can make before the server does (same rules as budgetCreateInput). */
function validate(v: BudgetFormValues, editing: boolean): BudgetFieldErrors {
  const e: BudgetFieldErrors = {};
  if (!v.name.trim()) e.name = "Give it a name";
  if (!editing && v.scope !== "global" && !v.scopeRef.trim())
    e.scopeRef = v.scope === "project" ? "Choose a project" : "Enter a runner id";
  if (v.limitTokens === null && v.limitUsd === null) e.limitTokens = "Set a token limit, a USD limit, or both";
  if (v.limitTokens !== null && (!Number.isInteger(v.limitTokens) || v.limitTokens < 1))
    e.limitTokens = "A whole number of tokens, 1 or more";
  if (v.limitUsd !== null && !(v.limitUsd > 0)) e.limitUsd = "More than $0";
  if (!Number.isInteger(v.warnPercent) || v.warnPercent < 1 || v.warnPercent > 100) e.warnPercent = "1 to 100";
  return e;
}

/**
 * Create or edit a budget. Scope and period are fixed once created (the API cannot change
 * them), so editing shows them read-only.
 */
export function BudgetForm({
  initial,
  submitLabel,
  busy,
  errors,
  onSubmit,
  onCancel,
}: {
  initial?: Budget;
  submitLabel: string;
  busy: boolean;
  errors: BudgetFieldErrors;
  onSubmit: (v: BudgetFormValues) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const editing = Boolean(initial);
  const [name, setName] = useState(initial?.name ?? "");
  const [scope, setScope] = useState<Budget["scope"]>(initial?.scope ?? "global");
  const [scopeRef, setScopeRef] = useState("");
  const [period, setPeriod] = useState<Budget["period"]>(initial?.period ?? "daily");
  const [limitTokens, setLimitTokens] = useState(initial?.limitTokens?.toString() ?? "");
  const [limitUsd, setLimitUsd] = useState(initial?.limitUsd?.toString() ?? "");
  const [warnPercent, setWarnPercent] = useState(String(initial?.warnPercent ?? 80));
  const [action, setAction] = useState<Budget["action"]>(initial?.action ?? "notify");
  const [local, setLocal] = useState<BudgetFieldErrors>({});
  const projects = useQuery(trpc.projects.list.queryOptions({}, { enabled: !editing && scope === "project" }));
  const runners = useQuery(
    trpc.runners.list.queryOptions({ status: "active", limit: 100 }, { enabled: !editing && scope === "runner" }),
  );
  const shown = { ...errors, ...local };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const values: BudgetFormValues = {
      name,
      scope,
      scopeRef,
      period,
      limitTokens: toNumber(limitTokens),
      limitUsd: toNumber(limitUsd),
      warnPercent: Number(warnPercent),
      action,
    };
    const found = validate(values, editing);
    setLocal(found);
    if (Object.keys(found).length === 0) onSubmit(values);
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="budget-form">
      {shown.form ? (
        <div className="alert alert-error" role="alert">
          {shown.form}
        </div>
      ) : null}
      <Field label="Name" htmlFor="budget-name" error={shown.name}>
        <TextInput id="budget-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} autoFocus />
      </Field>
      {editing && initial ? (
        <p className="muted small">
          Counts {initial.scopeLabel}, {PERIOD_LABELS[initial.period].toLowerCase()}. Scope and period cannot change;
          create a new budget for another.
        </p>
      ) : (
        <div className="form-row">
          <Field label="Scope" htmlFor="budget-scope">
            <Select
              id="budget-scope"
              value={scope}
              onChange={(e) => {
                setScope(e.target.value as Budget["scope"]);
                setScopeRef("");
              }}
            >
              {BUDGET_SCOPES.map((s) => (
                <option key={s} value={s}>
                  {SCOPE_LABELS[s]}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="Period"
            htmlFor="budget-period"
            hint="Resets on the hour, at midnight, on Monday or on the 1st (server time)."
          >
            <Select id="budget-period" value={period} onChange={(e) => setPeriod(e.target.value as Budget["period"])}>
              {BUDGET_PERIODS.map((p) => (
                <option key={p} value={p}>
                  {PERIOD_LABELS[p]}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      )}
      {!editing && scope === "project" ? (
        <Field label="Project" htmlFor="budget-project" error={shown.scopeRef}>
          <Select id="budget-project" value={scopeRef} onChange={(e) => setScopeRef(e.target.value)}>
            <option value="">{projects.isPending ? "Loading…" : "Choose a project"}</option>
            {(projects.data ?? []).map((p) => (
              <option key={p.id} value={p.name}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      {!editing && scope === "runner" ? (
        <Field
          label="Runner id"
          htmlFor="budget-runner"
          error={shown.scopeRef}
          hint="The full id from the runner's page; active runners are suggested."
        >
          <TextInput
            id="budget-runner"
            className="input mono"
            list="budget-runner-ids"
            value={scopeRef}
            onChange={(e) => setScopeRef(e.target.value)}
            placeholder="00000000-0000-0000-0000-000000000000"
          />
          <datalist id="budget-runner-ids">
            {(runners.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>{`${r.projectName} · ${r.status}`}</option>
            ))}
          </datalist>
        </Field>
      ) : null}
      <div className="form-row form-row-even">
        <Field
          label="Token limit"
          htmlFor="budget-tokens"
          error={shown.limitTokens}
          hint="Input, output and cache tokens together."
        >
          <TextInput
            id="budget-tokens"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={limitTokens}
            onChange={(e) => setLimitTokens(e.target.value)}
            placeholder="no token limit"
          />
        </Field>
        <Field label="USD limit" htmlFor="budget-usd" error={shown.limitUsd}>
          <TextInput
            id="budget-usd"
            type="number"
            inputMode="decimal"
            min={0.01}
            step={0.01}
            value={limitUsd}
            onChange={(e) => setLimitUsd(e.target.value)}
            placeholder="no dollar limit"
          />
        </Field>
      </div>
      <div className="form-row form-row-even">
        <Field
          label="Warn at (%)"
          htmlFor="budget-warn"
          error={shown.warnPercent}
          hint="Notifies once per period past this share."
        >
          <TextInput
            id="budget-warn"
            type="number"
            min={1}
            max={100}
            step={1}
            value={warnPercent}
            onChange={(e) => setWarnPercent(e.target.value)}
          />
        </Field>
        <Field label="At the limit" htmlFor="budget-action" error={shown.action}>
          <Select id="budget-action" value={action} onChange={(e) => setAction(e.target.value as Budget["action"])}>
            {BUDGET_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <div className="form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
