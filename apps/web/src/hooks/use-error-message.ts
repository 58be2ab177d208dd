/** What a failed tRPC call should say to a person: the server's coded message. */
export function errorMessage(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; data?: { appCode?: string } } | null;
  return { message: e?.message ?? "Something went wrong.", code: e?.data?.appCode };
}

/** The server's VALIDATION issues by top-level field (`extraArgs.2` → `extraArgs`), first message wins. */
export function fieldIssues(err: unknown): Record<string, string> {
  const issues = (err as { data?: { issues?: { path: string; message: string }[] } } | null)?.data?.issues ?? [];
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path.split(".")[0] ?? ""] ??= issue.message;
  return out;
}

/** A form's failure: messages for its fields, else one message for the whole form. */
export function formErrors(err: unknown): { issues: Record<string, string>; general: string | null } {
  if (!err) return { issues: {}, general: null };
  const issues = fieldIssues(err);
  return { issues, general: Object.keys(issues).length ? null : errorMessage(err).message };
}
