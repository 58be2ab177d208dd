import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

/**
 * The node's own TLS key and a certificate request for it (mutual TLS to the server). The key
 * is made here and never leaves the node; the server's CA signs the request at join.
 */
export function createKeyAndCsr(nodeName: string): { key: string; csr: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  csr.setSubject([{ name: "commonName", value: nodeName }]);
  csr.sign(forge.pki.privateKeyFromPem(key) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { key, csr: forge.pki.certificationRequestToPem(csr) };
}
