import { generateKeyPairSync } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import forge from "node-forge";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AgentCa } from "@stratavore/api";
import { AGENT_NAMESPACE } from "@stratavore/contracts";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor, type AgentProcess } from "./testing/fleet-harness.ts";

/**
 * Mutual TLS for agents (STRATAVORE_AGENT_TLS_PORT), with real TLS on 127.0.0.1: a real agent
 * process joins on the main port with a CSR, then works over TLS with the certificate it was
 * issued; a certificate from another CA, no certificate, a bare credential on the main port
 * and a revoked node's certificate are all refused.
 */
let h: FleetHarness;
let agent: AgentProcess;
let stored: {
  nodeId: string;
  credential: string;
  tls: { certificate: string; caCertificate: string; url: string; key: string };
};
const hello = { name: "probe", hostname: "probe", agentVersion: "0.1.0", claudeVersion: null, capacity: 1, labels: [] };

beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")), {}, { STRATAVORE_AGENT_TLS_PORT: "0" });
  agent = await h.startAgent(uniqueSlug("mtls"));
  stored = JSON.parse(
    await readFile(join(h.tmp, `agent-${agent.name}`, "node-credential.json"), "utf8"),
  ) as typeof stored;
}, 120_000);
afterAll(() => h?.stop());

/** Resolves "connected" or the refusal's code (a TLS failure has none: its message). */
function dial(url: string, auth: object, tls: object): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(`${url}${AGENT_NAMESPACE}`, {
      path: "/socket.io",
      transports: ["websocket"],
      reconnection: false,
      auth,
      ...tls,
    });
    s.on("connect", () => {
      s.disconnect();
      resolve("connected");
    });
    s.on("connect_error", (err: Error & { data?: { code?: string } }) => {
      s.disconnect();
      resolve(err.data?.code ?? `transport: ${err.message}`);
    });
  });
}

function certificateFromOtherCa(nodeId: string, dir: string): Promise<{ cert: string; key: string }> {
  return AgentCa.open(dir).then((other) => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
    csr.sign(forge.pki.privateKeyFromPem(key) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
    return { cert: other.signNode(forge.pki.certificationRequestToPem(csr), nodeId).certificate, key };
  });
}

describe("mutual TLS for agents", () => {
  it("a joined agent holds a certificate for its node and runs a runner over TLS", async () => {
    expect(stored.tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(stored.tls.url).not.toBe(h.server.url);
    expect(new (await import("node:crypto")).X509Certificate(stored.tls.certificate).subject).toBe(
      `CN=${stored.nodeId}`,
    );
    const checkout = join(h.tmp, "mtls-checkout");
    await mkdir(checkout, { recursive: true });
    const project = await h.api.projects.create({ name: uniqueSlug("mtls"), path: checkout });
    const runner = await h.api.runners.launch({ project: project.name, node: agent.name });
    expect(runner.status).toBe("running");
    await h.api.runners.stop({ id: runner.id });
    await waitFor("runner ended", async () => (await h.api.runners.get({ id: runner.id })).status === "terminated");
  });

  it("refuses a bare credential on the main port, a certificate from another CA, and no certificate", async () => {
    const auth = { credential: stored.credential, hello };
    const pinned = { ca: stored.tls.caCertificate, rejectUnauthorized: true };
    expect(await dial(h.server.url, auth, {})).toBe("UNAUTHENTICATED");
    const other = await certificateFromOtherCa(stored.nodeId, join(h.tmp, "other-ca"));
    expect(await dial(stored.tls.url, auth, { ...pinned, cert: other.cert, key: other.key })).toMatch(/^transport:/);
    expect(await dial(stored.tls.url, auth, pinned)).toMatch(/^transport:/);
    // The right certificate with the right credential is accepted (then closed: the agent keeps its own).
    expect(await dial(stored.tls.url, auth, { ...pinned, cert: stored.tls.certificate, key: stored.tls.key })).toBe(
      "connected",
    );
  });

  it("revoking the node revokes its certificate: the agent is refused and stops", async () => {
    await h.api.nodes.revoke({ ref: stored.nodeId });
    // The refused agent exits with 3 (the operator must act), its runners already ended.
    expect(await agent.exited).toBe(3);
    const auth = { credential: stored.credential, hello };
    expect(
      await dial(stored.tls.url, auth, {
        ca: stored.tls.caCertificate,
        rejectUnauthorized: true,
        cert: stored.tls.certificate,
        key: stored.tls.key,
      }),
    ).toBe("UNAUTHENTICATED");
  });
});
