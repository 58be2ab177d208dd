import type { TokenScope, User } from "@stratavore/contracts";

/** Who is calling: a signed-in browser session or an API token acting for its owner. */
export interface Principal {
  user: User;
  via: "session" | "token";
  scopes: TokenScope[];
  /** The API token, when via "token". */
  tokenId?: string;
  /** When that token stops working (null: never); a token it mints cannot outlive it. */
  tokenExpiresAt?: Date | null;
  /** The browser sign-in (LoginSession), when via "session". */
  sessionId?: string;
}

export const SESSION_SCOPES: TokenScope[] = ["read", "write"];
