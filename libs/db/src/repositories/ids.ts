const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** References accept an id or a name; an id is a uuid. */
export const isUuid = (ref: string): boolean => UUID_RE.test(ref);
