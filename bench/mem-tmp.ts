const mb = () => { const m = process.memoryUsage(); return `rss ${(m.rss/1048576).toFixed(0)} heap ${(m.heapUsed/1048576).toFixed(0)} ext ${(m.external/1048576).toFixed(0)} ab ${(m.arrayBuffers/1048576).toFixed(0)}`; };
const db = await import("@stratavore/db"); console.log("db lib", mb());
const c = db.createDb({ connectionString: "postgres://x@127.0.0.1:1/x" }); await c.$queryRaw`SELECT 1`.catch(() => 0); console.log("db client used", mb());
await c.$queryRaw`SELECT 2`.catch(() => 0); await c.project.findMany().catch(() => 0); console.log("db 2 queries", mb());
