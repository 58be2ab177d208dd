import type { Announcement } from "@stratavore/contracts";

/** RabbitMQ topic key: `<entity>.<event>.<project>`; dots in a project name become `_`. */
export function routingKeyOf(a: Announcement): string {
  const project = a.project ? a.project.name.replace(/[.#*\s]/g, "_") : "_";
  return `${a.event}.${project}`;
}
