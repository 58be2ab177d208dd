import type { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../client.ts";

/** Repositories take either the client or an open transaction, so services own the transaction. */
export type Tx = Db | Prisma.TransactionClient;
