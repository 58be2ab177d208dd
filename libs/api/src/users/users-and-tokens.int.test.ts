import { encode } from "next-auth/jwt";
import { afterAll, describe, expect, inject, it } from "vitest";
import { appendEvent, createDb, insertLoginSession, verifyEventChain } from "@stratavore/db";
import { createScratchDatabase, uniqueEmail, workerDatabase } from "@stratavore/db/testing";
import { verifyCredentials } from "../auth/credentials.ts";
import { LoginRateLimiter } from "../auth/login-rate-limit.ts";
import { resolvePrincipal } from "../auth/resolve-principal.ts";
import { createHarness, errorCodeOf, TEST_PASSWORD } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());
const limiter = () =>
  new LoginRateLimiter({ perIpPoints: 100, perAccountFailures: 3, perAccountFailuresAll: 100, windowSeconds: 60 });

describe("users", () => {
  it("admin creates a user who can log in; duplicate email is EMAIL_TAKEN", async () => {
    const { api } = await h.as("admin");
    const email = uniqueEmail("new");
    const user = await api.users.create({
      email: email.toUpperCase(),
      name: "New Person",
      role: "operator",
      password: "a-long-password",
    });
    expect(user).toMatchObject({ email, role: "operator", disabled: false });
    expect(
      await verifyCredentials(h.db, limiter(), { email, password: "a-long-password", ip: "1.1.1.1" }),
    ).toMatchObject({ id: user.id });
    expect(
      await errorCodeOf(api.users.create({ email, name: "Again", role: "viewer", password: "a-long-password" })),
    ).toEqual({ trpc: "CONFLICT", app: "EMAIL_TAKEN" });
    expect((await api.users.list()).some((u) => u.id === user.id)).toBe(true);
  });

  it("disabling blocks login and API access and ends sign-ins; re-enabling restores login, not old cookies; an admin cannot disable themselves", async () => {
    const { api, user: admin } = await h.as("admin");
    const target = await h.createUser("operator");
    const cookieFor = async () => {
      const sid = await insertLoginSession(h.db, {
        userId: target.id,
        expiresAt: new Date(Date.now() + 3_600_000),
        userAgent: null,
        ip: null,
      });
      return `next-auth.session-token=${await encode({ token: { sub: target.id, sid }, secret: h.deps.config.authSecret })}`;
    };
    const before = await cookieFor();
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { cookieHeader: before })).toMatchObject({
      via: "session",
      user: { id: target.id },
    });
    // A cookie without a sign-in id (what a stateless JWT used to be) is not honoured.
    const stateless = `next-auth.session-token=${await encode({ token: { sub: target.id }, secret: h.deps.config.authSecret })}`;
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { cookieHeader: stateless })).toBeNull();
    await api.users.setDisabled({ id: target.id, disabled: true });
    expect(
      await verifyCredentials(h.db, limiter(), { email: target.email, password: TEST_PASSWORD, ip: "1.1.1.2" }),
    ).toBeNull();
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { cookieHeader: before })).toBeNull();
    await api.users.setDisabled({ id: target.id, disabled: false });
    expect(
      await verifyCredentials(h.db, limiter(), { email: target.email, password: TEST_PASSWORD, ip: "1.1.1.2" }),
    ).toMatchObject({ id: target.id });
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { cookieHeader: before })).toBeNull();
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { cookieHeader: await cookieFor() })).toMatchObject({
      via: "session",
      user: { id: target.id },
    });
    expect(await errorCodeOf(api.users.setDisabled({ id: admin.id, disabled: true }))).toEqual({
      trpc: "PRECONDITION_FAILED",
      app: "CANNOT_DISABLE_SELF",
    });
  });

  it("password reset replaces the old password", async () => {
    const { api } = await h.as("admin");
    const target = await h.createUser("viewer");
    // Long enough but a first guess: refused, coded, and the old password still works.
    expect(await errorCodeOf(api.users.resetPassword({ id: target.id, password: "Password2024!" }))).toEqual({
      trpc: "BAD_REQUEST",
      app: "VALIDATION",
    });
    expect(
      await verifyCredentials(h.db, limiter(), { email: target.email, password: TEST_PASSWORD, ip: "1.1.1.4" }),
    ).toMatchObject({ id: target.id });
    await api.users.resetPassword({ id: target.id, password: "brand-new-password" });
    expect(
      await verifyCredentials(h.db, limiter(), { email: target.email, password: TEST_PASSWORD, ip: "1.1.1.3" }),
    ).toBeNull();
    expect(
      await verifyCredentials(h.db, limiter(), { email: target.email, password: "brand-new-password", ip: "1.1.1.3" }),
    ).toMatchObject({ id: target.id });
  });

  it("rate-limits failed logins per account and address, even with the right password afterwards; many addresses meet an account-wide limit", async () => {
    const target = await h.createUser("viewer");
    const l = new LoginRateLimiter({
      perIpPoints: 100,
      perAccountFailures: 3,
      perAccountFailuresAll: 5,
      windowSeconds: 60,
    });
    const attempt = (password: string, ip: string) => verifyCredentials(h.db, l, { email: target.email, password, ip });
    for (let i = 0; i < 3; i++) expect(await attempt("wrong-password", "10.0.0.1")).toBeNull();
    await expect(attempt(TEST_PASSWORD, "10.0.0.1")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    // Its owner elsewhere is not locked out by a stranger's guesses.
    expect(await attempt(TEST_PASSWORD, "10.0.0.9")).not.toBeNull();
    // Guesses from two more addresses: five failures in all lock the account everywhere.
    for (const ip of ["10.0.0.2", "10.0.0.3"]) expect(await attempt("wrong-password", ip)).toBeNull();
    await expect(attempt(TEST_PASSWORD, "10.0.0.9")).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("rate-limits attempts per IP", async () => {
    const l = new LoginRateLimiter({
      perIpPoints: 2,
      perAccountFailures: 100,
      perAccountFailuresAll: 100,
      windowSeconds: 60,
    });
    const ip = "192.0.2.77";
    await verifyCredentials(h.db, l, { email: uniqueEmail("a"), password: "x-password", ip });
    await verifyCredentials(h.db, l, { email: uniqueEmail("b"), password: "x-password", ip });
    await expect(
      verifyCredentials(h.db, l, { email: uniqueEmail("c"), password: "x-password", ip }),
    ).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});

describe("API tokens", () => {
  it("shows the secret once, stores only a hash, authenticates, records last use, and stops working when revoked", async () => {
    const { api, user } = await h.as("operator");
    const { token, secret } = await api.apiTokens.create({ name: "ci", scopes: ["read"] });
    expect(secret.startsWith("svt_")).toBe(true);
    expect(secret.startsWith(token.prefix)).toBe(true);
    const row = await h.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).not.toContain(secret.slice(4));
    expect((await api.apiTokens.list()).map((t) => t.id)).toContain(token.id);

    const principal = await resolvePrincipal(h.db, h.deps.config.authSecret, { bearer: secret });
    expect(principal).toMatchObject({ via: "token", scopes: ["read"], user: { id: user.id } });
    expect((await h.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).not.toBeNull();

    await api.apiTokens.revoke({ id: token.id });
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { bearer: secret })).toBeNull();
    expect(await errorCodeOf(api.apiTokens.revoke({ id: token.id }))).toEqual({ trpc: "NOT_FOUND", app: "NOT_FOUND" });
  });

  it("cannot revoke someone else's token", async () => {
    const a = await h.as("operator");
    const b = await h.as("operator");
    const { token } = await a.api.apiTokens.create({ name: "mine", scopes: ["read", "write"] });
    expect(await errorCodeOf(b.api.apiTokens.revoke({ id: token.id }))).toEqual({
      trpc: "NOT_FOUND",
      app: "NOT_FOUND",
    });
  });

  it("expired tokens and tokens of disabled users do not authenticate", async () => {
    const { api, user } = await h.as("operator");
    const { token, secret } = await api.apiTokens.create({ name: "short", scopes: ["read"], expiresInDays: 1 });
    await h.db.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { bearer: secret })).toBeNull();
    const other = await api.apiTokens.create({ name: "long", scopes: ["read"] });
    await h.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await resolvePrincipal(h.db, h.deps.config.authSecret, { bearer: other.secret })).toBeNull();
  });
});

describe("a revoked token's minted tokens", () => {
  it("none outlives it, however many were being minted with it while it was revoked (the attacker review's race: 13 of 213 survived)", async () => {
    const { api, user } = await h.as("operator");
    const leaked = await api.apiTokens.create({ name: "leaked", scopes: ["read", "write"] });
    // Each call authenticates afresh, as every HTTP request does.
    const mintWith = async (secret: string, name: string) => {
      const principal = await resolvePrincipal(h.db, h.deps.config.authSecret, { bearer: secret });
      if (!principal) return null;
      return h
        .caller(principal)
        .apiTokens.create({ name, scopes: ["read"] })
        .catch(() => null);
    };
    // A thief minting in loops (children minting grandchildren too); the owner revokes the leaked token meanwhile.
    let revoked = false;
    const minted: string[] = [];
    const mintUntilRefused = async () => {
      for (let i = 0; i < 40; i++) {
        const child = await mintWith(leaked.secret, "child");
        if (child) minted.push(child.secret);
        const grandchild = child && i % 3 === 0 ? await mintWith(child.secret, "grandchild") : null;
        if (grandchild) minted.push(grandchild.secret);
        if (revoked && !child) return;
      }
    };
    const loops = Array.from({ length: 6 }, mintUntilRefused);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await api.apiTokens.revoke({ id: leaked.token.id });
    revoked = true;
    await Promise.all(loops);
    expect(minted.length).toBeGreaterThan(0);
    const usable = [];
    for (const secret of minted)
      if (await resolvePrincipal(h.db, h.deps.config.authSecret, { bearer: secret })) usable.push(secret);
    expect(usable).toEqual([]);
    expect(await h.db.apiToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });
});

describe("audit log", () => {
  it("chains and signs every event, and detects tampering", async () => {
    // Its own database: other test files write events signed with other keys.
    const url = await createScratchDatabase(inject("adminUrl"), "audit");
    const db = createDb({ connectionString: url, poolMax: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        await db.$transaction((tx) =>
          appendEvent(tx, "k", {
            type: "test.happened",
            entityType: "test",
            actorType: "system",
            data: { i, nested: { b: 1, a: 2 } },
          }),
        );
      }
      expect((await verifyEventChain(db, "k")).firstBrokenSeq).toBeNull();
      expect((await verifyEventChain(db, "wrong-key")).firstBrokenSeq).not.toBeNull();
      const third = await db.event.findFirstOrThrow({ orderBy: { seq: "asc" }, skip: 2 });
      await db.event.update({ where: { seq: third.seq }, data: { data: { i: 99 } } });
      expect((await verifyEventChain(db, "k")).firstBrokenSeq).toBe(Number(third.seq));
    } finally {
      await db.$disconnect();
    }
  });
});
