"use client";
import { Badge, Card } from "@stratavore/ui";
import { curlFor, type Endpoint } from "./openapi-view";

const METHOD_TONE: Record<string, string> = { GET: "blue", POST: "green", PATCH: "amber", DELETE: "red" };

function EndpointRow({ e, origin }: { e: Endpoint; origin: string }) {
  return (
    <details className="api-endpoint" data-testid="api-endpoint">
      <summary>
        <Badge tone={METHOD_TONE[e.method] ?? "gray"}>{e.method}</Badge> <code>{e.path}</code>{" "}
        <span className="muted">{e.op.summary}</span>
      </summary>
      {e.fields.length ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
          <table className="table">
            <thead>
              <tr>
                <th>Field</th>
                <th>In</th>
                <th>Type</th>
                <th>Required</th>
              </tr>
            </thead>
            <tbody>
              {e.fields.map((f) => (
                <tr key={`${f.where}-${f.name}`}>
                  <td className="mono">{f.name}</td>
                  <td>{f.where}</td>
                  <td className="mono">{f.type}</td>
                  <td>{f.required ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No parameters.</p>
      )}
      <p>
        Returns <code>{e.returns}</code> · procedure <code>{e.op.operationId}</code>
      </p>
      <pre className="api-curl">{curlFor(origin, e)}</pre>
    </details>
  );
}

export function ApiReference({ groups, origin }: { groups: Array<[string, Endpoint[]]>; origin: string }) {
  return (
    <>
      {groups.map(([tag, endpoints]) => (
        <Card key={tag} title={tag}>
          {endpoints.map((e) => (
            <EndpointRow key={`${e.method} ${e.path}`} e={e} origin={origin} />
          ))}
        </Card>
      ))}
    </>
  );
}
