import { defineConfig } from "prisma/config";

// Only `prisma generate` reads this file; the datasource URL is never needed for generation.
export default defineConfig({
  schema: "prisma/schema.prisma",
  datasource: { url: "postgresql://localhost/stratavore" },
});
