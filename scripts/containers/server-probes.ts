import { createApiClient } from "@stratavore/api-client";
import { signInCookie } from "../../apps/server/src/testing/sign-in.ts";
import { execIn, waitFor } from "./containers.ts";

/** /healthz once the server listens (it migrates first), then /readyz (the database answers). */
export async function waitHealthy(url: string, container: string): Promise<string> {
  const health = await waitFor(
    "200 from /healthz",
    async () => {
      const res = await fetch(`${url}/healthz`);
      return res.ok ? JSON.stringify(await res.json()) : null;
    },
    { timeoutMs: 180_000, container },
  );
  const ready = await fetch(`${url}/readyz`);
  if (!ready.ok) throw new Error(`/readyz answered ${ready.status}`);
  return health;
}

/**
 * Signs in through next-auth as the login page does (a wrong password must be refused), then
 * mints an API token with the session cookie, as Settings → API tokens does. Returns its secret.
 */
export async function signInAndMintToken(url: string, email: string, password: string): Promise<string> {
  const refused = await signInCookie(url, email, `${password}-wrong`);
  if (refused.cookie) throw new Error("a wrong password was accepted");
  const { cookie, status } = await signInCookie(url, email, password);
  if (!cookie) throw new Error(`sign-in refused (HTTP ${status})`);
  const api = createApiClient({
    serverUrl: url,
    fetch: (u, init) => fetch(u, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
  });
  return (await api.apiTokens.create.mutate({ name: "container test", scopes: ["read", "write"] })).secret;
}

interface ListedNode {
  name: string;
  status: string;
  connected: boolean;
  claudeVersion: string | null;
}

/** Until `stratavore nodes list`, run in the server's container, shows the node online with a claude. */
export async function waitForNodeOnline(
  o: { serverContainer: string; agentContainer: string; cli: Record<string, string> },
  nodeName: string,
): Promise<ListedNode> {
  const node = await waitFor(
    `node ${nodeName} online`,
    async () => {
      const out = await execIn(o.serverContainer, o.cli, ["stratavore", "nodes", "list", "--json"]);
      const found = (JSON.parse(out) as ListedNode[]).find((n) => n.name === nodeName);
      return found?.status === "online" && found.connected ? found : null;
    },
    { timeoutMs: 120_000, container: o.agentContainer },
  );
  if (!node.claudeVersion) throw new Error("the node reports no claude: Claude Code is missing from the image");
  return node;
}
