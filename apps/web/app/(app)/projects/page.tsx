"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useDeferredValue, useState } from "react";
import { roleAtLeast, type ProjectStatus } from "@stratavore/contracts";
import {
  Badge,
  Button,
  EmptyState,
  ErrorState,
  LoadingState,
  PageHeader,
  Select,
  TextInput,
  formatRelative,
} from "@stratavore/ui";
import { errorMessage } from "../../../src/hooks/use-error-message";
import { CreateProjectDialog } from "../../../src/projects/create-project-dialog";
import { useMe } from "../../../src/require-auth";
import { useTRPC } from "../../../src/trpc";

function ProjectsList() {
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const params = useSearchParams();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<"" | ProjectStatus>("");
  const [tag, setTag] = useState("");
  const deferredSearch = useDeferredValue(search);
  const creating = params.get("new") === "1";
  const canEdit = roleAtLeast(me.role, "operator");

  const filter = { search: deferredSearch || undefined, status: status || undefined, tag: tag || undefined };
  const projects = useQuery(trpc.projects.list.queryOptions(filter, { placeholderData: (prev) => prev }));
  const allTags = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));
  const tags = [...new Set((allTags.data ?? []).flatMap((p) => p.tags))].sort();
  const filtered = Boolean(filter.search || filter.status || filter.tag);

  return (
    <>
      <PageHeader
        title="Projects"
        description="Checkouts where your runners work."
        actions={
          canEdit ? (
            <Button variant="primary" onClick={() => router.push("/projects?new=1")}>
              New project
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <TextInput
          type="search"
          aria-label="Search projects"
          placeholder="Search name, path, description"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as "" | ProjectStatus)}>
          <option value="">Active and idle</option>
          <option value="active">Active</option>
          <option value="idle">Idle</option>
          <option value="archived">Archived</option>
        </Select>
        <Select aria-label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">Any tag</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
      </div>
      {projects.isPending ? (
        <LoadingState />
      ) : projects.isError ? (
        <ErrorState {...errorMessage(projects.error)} onRetry={() => projects.refetch()} />
      ) : projects.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No project matches">Change the search or the filters.</EmptyState>
        ) : (
          <EmptyState
            title="No projects yet"
            action={
              canEdit ? (
                <Button variant="primary" onClick={() => router.push("/projects?new=1")}>
                  Create a project
                </Button>
              ) : null
            }
          >
            Register a checkout to launch Claude Code runners in it.
          </EmptyState>
        )
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
          <table className="table" data-testid="projects-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th className="hide-sm">Path</th>
                <th className="hide-sm">Tags</th>
                <th>Runners</th>
                <th className="hide-sm">Updated</th>
              </tr>
            </thead>
            <tbody>
              {projects.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link href={`/projects/${p.name}`} className="strong">
                      {p.name}
                    </Link>
                  </td>
                  <td>
                    <Badge>{p.status}</Badge>
                  </td>
                  <td className="mono muted hide-sm ellipsis">{p.path}</td>
                  <td className="hide-sm">
                    {p.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
                  </td>
                  <td>
                    {p.activeRunners} / {p.maxRunners}
                  </td>
                  <td className="muted hide-sm">{formatRelative(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? <CreateProjectDialog open={creating} onClose={() => router.replace("/projects")} /> : null}
    </>
  );
}

export default function ProjectsPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <ProjectsList />
    </Suspense>
  );
}
