import type { Db } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiConfig } from "../config.ts";
import type { Fleet } from "../fleet/fleet.ts";
import type { RealtimeBus } from "../realtime/bus.ts";

export interface ApiDeps {
  db: Db;
  bus: RealtimeBus;
  config: ApiConfig;
  fleet: Fleet;
  log: (level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>) => void;
}

export interface Context extends ApiDeps {
  principal: Principal | null;
  ip: string;
}
