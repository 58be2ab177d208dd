/** What a failed tRPC call should say to a person: the server's coded message. */
export function errorMessage(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; data?: { appCode?: string } } | null;
  return { message: e?.message ?? "Something went wrong.", code: e?.data?.appCode };
}
