import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import forge from "node-forge";
import { AppError } from "@stratavore/contracts";

const YEAR_MS = 365 * 86_400_000;

export interface IssuedCertificate {
  certificate: string;
  /** Upper-case hex, as Node's TLS peer certificate reports it. */
  serial: string;
}

/**
 * The server's small certificate authority for agents (mutual TLS). Its key never leaves the
 * data directory (0600); a node's key never leaves the node — the agent sends a CSR at join and
 * gets back a client certificate naming its node id. Revoking the node revokes the certificate:
 * `/agent` over TLS accepts only the serial recorded on an unrevoked node.
 */
export class AgentCa {
  private constructor(
    private readonly key: forge.pki.rsa.PrivateKey,
    private readonly cert: forge.pki.Certificate,
    /** The CA certificate (PEM), what agents pin. */
    readonly certificate: string,
  ) {}

  /** Loads the CA from `dir`, creating it (RSA 3072, 10 years) on first use. */
  static async open(dir: string): Promise<AgentCa> {
    const keyPath = join(dir, "ca.key");
    const certPath = join(dir, "ca.crt");
    const existing = await readFile(keyPath, "utf8").then(
      async (key) => ({ key, cert: await readFile(certPath, "utf8") }),
      () => null,
    );
    if (existing)
      return new AgentCa(
        forge.pki.privateKeyFromPem(existing.key) as forge.pki.rsa.PrivateKey,
        forge.pki.certificateFromPem(existing.cert),
        existing.cert,
      );
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
    cert.serialNumber = serialHex();
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 10 * YEAR_MS);
    const name = [{ name: "commonName", value: "Stratavore agent CA" }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.setExtensions([
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
    const pem = forge.pki.certificateToPem(cert);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    await writeFile(`${keyPath}.tmp`, forge.pki.privateKeyToPem(key), { mode: 0o600 });
    await writeFile(certPath, pem, { mode: 0o644 });
    await rename(`${keyPath}.tmp`, keyPath);
    return new AgentCa(key as forge.pki.rsa.PrivateKey, cert, pem);
  }

  /** A client certificate for a node from its CSR: subject CN = node id, client auth only. */
  signNode(csrPem: string, nodeId: string): IssuedCertificate {
    let csr: forge.pki.CertificateSigningRequest;
    try {
      csr = forge.pki.certificationRequestFromPem(csrPem);
    } catch {
      throw new AppError("VALIDATION", "The certificate request is not a PEM CSR.");
    }
    if (!csr.publicKey || !verifies(csr))
      throw new AppError("VALIDATION", "The certificate request's signature does not verify.");
    return this.issue(
      csr.publicKey as forge.pki.rsa.PublicKey,
      [{ name: "commonName", value: nodeId }],
      [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", clientAuth: true },
      ],
    );
  }

  /** The TLS listener's own certificate, for the names agents dial (a fresh key each start). */
  serverCertificate(hosts: string[]): { key: string; certificate: string } {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const issued = this.issue(
      forge.pki.publicKeyFromPem(
        publicKey.export({ type: "spki", format: "pem" }).toString(),
      ) as forge.pki.rsa.PublicKey,
      [{ name: "commonName", value: hosts[0] ?? "localhost" }],
      [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [...new Set(hosts)].map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
        },
      ],
    );
    return { key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), certificate: issued.certificate };
  }

  private issue(
    publicKey: forge.pki.rsa.PublicKey,
    subject: forge.pki.CertificateField[],
    extensions: object[],
  ): IssuedCertificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = serialHex();
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 5 * YEAR_MS);
    cert.setSubject(subject);
    cert.setIssuer(this.cert.subject.attributes);
    cert.setExtensions(extensions);
    cert.sign(this.key, forge.md.sha256.create());
    const certificate = forge.pki.certificateToPem(cert);
    return { certificate, serial: new X509Certificate(certificate).serialNumber.toUpperCase() };
  }
}

/** forge throws, rather than answering false, for some malformed signatures. */
function verifies(csr: forge.pki.CertificateSigningRequest): boolean {
  try {
    return csr.verify();
  } catch {
    return false;
  }
}

/** 16 random bytes, the top bit clear (a serial must be positive). */
function serialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}
