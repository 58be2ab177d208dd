import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import { afterAll, describe, expect, it } from "vitest";
import { AgentCa } from "./agent-ca.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function csrFor(name: string): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  csr.setSubject([{ name: "commonName", value: name }]);
  csr.sign(
    forge.pki.privateKeyFromPem(
      privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    ) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return forge.pki.certificationRequestToPem(csr);
}

describe("AgentCa", () => {
  it("signs a node's CSR as a client certificate naming the node id, which Node's X.509 verifies against the CA", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stratavore-ca-"));
    dirs.push(dir);
    const ca = await AgentCa.open(join(dir, "ca"));
    const nodeId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const issued = ca.signNode(csrFor("some-host"), nodeId);
    const cert = new X509Certificate(issued.certificate);
    const caCert = new X509Certificate(ca.certificate);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subject).toBe(`CN=${nodeId}`);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]); // clientAuth only
    expect(issued.serial).toBe(cert.serialNumber.toUpperCase());
    expect(caCert.ca).toBe(true);
    // Reopened from disk: the same CA, its key private to the server's user.
    expect((await AgentCa.open(join(dir, "ca"))).certificate).toBe(ca.certificate);
    expect((await stat(join(dir, "ca", "ca.key"))).mode & 0o777).toBe(0o600);
    // A server certificate for the names agents dial.
    const server = new X509Certificate(ca.serverCertificate(["127.0.0.1", "localhost"]).certificate);
    expect(server.checkIssued(caCert)).toBe(true);
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkHost("localhost")).toBe("localhost");
  });

  it("refuses a request that is not a CSR or whose signature does not verify", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stratavore-ca-"));
    dirs.push(dir);
    const ca = await AgentCa.open(dir);
    expect(() => ca.signNode("not a csr", "x")).toThrow("not a PEM CSR");
    // One bit of the signature (the last bytes of the DER) flipped.
    const der = Buffer.from(csrFor("a").replace(/-----[^-]+-----|\s/g, ""), "base64");
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 1;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => ca.signNode(tampered, "x")).toThrow("does not verify");
  });
});
