import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Node } from "@stratavore/contracts";

const LIST_KEY: QueryKey = [["nodes", "list"]];
const GET_KEY: QueryKey = [["nodes", "get"]];

/**
 * Places a node's new state in the cached list (sorted by name, like the server) and its
 * detail. Returns whether the node was new to a cached list: a node that just joined used
 * a join token, so the caller may want to refresh the token list.
 */
export function applyNodeUpsert(qc: QueryClient, node: Node): { joined: boolean } {
  let joined = false;
  for (const [key, data] of qc.getQueriesData<Node[]>({ queryKey: LIST_KEY })) {
    if (!data) continue;
    if (!data.some((n) => n.id === node.id)) joined = true;
    const next = [...data.filter((n) => n.id !== node.id), node].sort((a, b) => a.name.localeCompare(b.name));
    qc.setQueryData(key, next);
  }
  for (const [key, data] of qc.getQueriesData<Node>({ queryKey: GET_KEY })) {
    if (data?.id === node.id) qc.setQueryData(key, node);
  }
  return { joined };
}

/**
 * Moves a node's active-runner count when one of its runners starts or ends. The server
 * announces node state only on connect, drain and revoke, so without this the capacity
 * column would freeze between those.
 */
export function shiftNodeLoad(qc: QueryClient, nodeId: string, delta: number): void {
  const shift = (n: Node): Node =>
    n.id === nodeId ? { ...n, activeRunners: Math.max(0, n.activeRunners + delta) } : n;
  for (const [key, data] of qc.getQueriesData<Node[]>({ queryKey: LIST_KEY })) {
    if (data?.some((n) => n.id === nodeId)) qc.setQueryData(key, data.map(shift));
  }
  for (const [key, data] of qc.getQueriesData<Node>({ queryKey: GET_KEY })) {
    if (data?.id === nodeId) qc.setQueryData(key, shift(data));
  }
}
