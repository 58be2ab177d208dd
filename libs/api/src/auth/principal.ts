import type { TokenScope, User } from "@stratavore/contracts";

/** Who is calling: a signed-in browser session or an API token acting for its owner. */
export interface Principal {
  user: User;
  via: "session" | "token";
  scopes: TokenScope[];
  tokenId?: string;
}

export const SESSION_SCOPES: TokenScope[] = ["read", "write"];
