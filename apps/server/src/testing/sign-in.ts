/**
 * Signs in through next-auth's credentials flow the way the login page does (CSRF token, form
 * post) and returns the session cookie, or null when refused.
 */
export async function signInCookie(
  serverUrl: string,
  email: string,
  password: string,
): Promise<{ status: number; cookie: string | null }> {
  const csrfRes = await fetch(`${serverUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${serverUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  return { status: res.status, cookie: session ? (session.split(";")[0] ?? null) : null };
}
