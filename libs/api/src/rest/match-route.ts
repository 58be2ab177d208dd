import { AppError } from "@stratavore/contracts";
import { REST_PREFIX, REST_ROUTES, type RestRoute } from "./rest-routes.ts";

const compiled = REST_ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${REST_PREFIX}${route.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}/?$`),
}));

/** The route a request names, with its decoded path parameters; NOT_FOUND, or METHOD_NOT_ALLOWED with the methods the path takes. */
export function matchRoute(method: string, pathname: string): { route: RestRoute; params: Record<string, string> } {
  const onPath = compiled.filter((c) => c.pattern.test(pathname));
  const hit = onPath.find((c) => c.route.method === method);
  if (!hit) {
    const allowed = onPath.map((c) => c.route.method);
    if (allowed.length)
      throw new AppError(
        "METHOD_NOT_ALLOWED",
        `${method} is not allowed on ${pathname}; use ${allowed.join(" or ")}.`,
        {
          allow: allowed,
        },
      );
    throw new AppError("NOT_FOUND", `No REST route ${pathname}; see /api/openapi.json.`);
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(hit.pattern.exec(pathname)?.groups ?? {})) {
    try {
      params[k] = decodeURIComponent(v);
    } catch {
      throw new AppError("VALIDATION", `The path parameter '${k}' is not valid percent-encoding.`);
    }
  }
  return { route: hit.route, params };
}
