/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (what `npm start` does on its own). */
import { join } from "node:path";
import { applyMigrations } from "../libs/db/src/migrations/migrator.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set (npm start migrates its embedded database by itself)");
  process.exit(2);
}
const applied = await applyMigrations(url, { prismaDir: join(import.meta.dirname, "..", "prisma") });
console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
