/**
 * The public REST surface (DESIGN §8: the same contracts as tRPC): each route is one tRPC
 * procedure. Path parameters (`{id}`) and, for GET, query parameters fill the procedure's input;
 * a POST/PATCH body is the rest of it. Nothing here has behaviour of its own.
 */
export interface RestRoute {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** OpenAPI path template under REST_PREFIX. */
  path: string;
  procedure: string;
  tag: "System" | "Projects" | "Runners" | "Tasks" | "Sessions" | "Usage" | "Budgets" | "Nodes" | "Events";
  summary: string;
  /** Answered without a token, as its tRPC procedure is (a load balancer's or monitor's probe). */
  public?: true;
}

export const REST_PREFIX = "/api/v1";

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: "GET",
    path: "/tasks",
    procedure: "tasks.list",
    tag: "Tasks",
    summary: "List tasks (filter by project, status)",
  },
  { method: "POST", path: "/tasks", procedure: "tasks.add", tag: "Tasks", summary: "Queue a task on a project" },
  { method: "GET", path: "/tasks/{id}", procedure: "tasks.get", tag: "Tasks", summary: "A task" },
  { method: "POST", path: "/tasks/{id}/cancel", procedure: "tasks.cancel", tag: "Tasks", summary: "Cancel a task" },
  {
    method: "GET",
    path: "/pools/{project}",
    procedure: "pools.get",
    tag: "Tasks",
    summary: "A project's pool: policy, runners, queue, last scaling decisions",
  },
  {
    method: "PATCH",
    path: "/pools/{project}",
    procedure: "pools.set",
    tag: "Tasks",
    summary: "Set a project's pool policy",
  },
  {
    method: "GET",
    path: "/health",
    procedure: "system.health",
    tag: "System",
    summary: "Server and database health (no token needed)",
    public: true,
  },

  { method: "GET", path: "/projects", procedure: "projects.list", tag: "Projects", summary: "List projects" },
  { method: "POST", path: "/projects", procedure: "projects.create", tag: "Projects", summary: "Register a project" },
  {
    method: "GET",
    path: "/projects/{ref}",
    procedure: "projects.get",
    tag: "Projects",
    summary: "A project by name or id",
  },
  {
    method: "GET",
    path: "/projects/{ref}/folder",
    procedure: "projects.folder",
    tag: "Projects",
    summary: "Which online nodes have the project's folder (launches that name no node go only there)",
  },
  { method: "PATCH", path: "/projects/{id}", procedure: "projects.update", tag: "Projects", summary: "Edit a project" },
  {
    method: "DELETE",
    path: "/projects/{id}",
    procedure: "projects.delete",
    tag: "Projects",
    summary: "Delete a project",
  },
  {
    method: "POST",
    path: "/projects/{id}/archive",
    procedure: "projects.archive",
    tag: "Projects",
    summary: "Archive a project",
  },
  {
    method: "POST",
    path: "/projects/{id}/unarchive",
    procedure: "projects.unarchive",
    tag: "Projects",
    summary: "Bring an archived project back",
  },

  { method: "GET", path: "/runners", procedure: "runners.list", tag: "Runners", summary: "List runners" },
  { method: "POST", path: "/runners", procedure: "runners.launch", tag: "Runners", summary: "Launch a runner" },
  { method: "GET", path: "/runners/{id}", procedure: "runners.get", tag: "Runners", summary: "A runner" },
  {
    method: "GET",
    path: "/runners/{id}/timeline",
    procedure: "runners.timeline",
    tag: "Runners",
    summary: "A runner's audited state changes",
  },
  {
    method: "POST",
    path: "/runners/{id}/stop",
    procedure: "runners.stop",
    tag: "Runners",
    summary: "Stop a runner gracefully",
  },
  { method: "POST", path: "/runners/{id}/kill", procedure: "runners.kill", tag: "Runners", summary: "Kill a runner" },
  {
    method: "POST",
    path: "/runners/{id}/pause",
    procedure: "runners.pause",
    tag: "Runners",
    summary: "Pause a runner",
  },
  {
    method: "POST",
    path: "/runners/{id}/unpause",
    procedure: "runners.unpause",
    tag: "Runners",
    summary: "Resume a paused runner",
  },

  { method: "GET", path: "/sessions", procedure: "sessions.list", tag: "Sessions", summary: "List or search sessions" },
  { method: "GET", path: "/sessions/{id}", procedure: "sessions.get", tag: "Sessions", summary: "A session" },
  {
    method: "GET",
    path: "/sessions/{id}/entries",
    procedure: "sessions.entries",
    tag: "Sessions",
    summary: "A session's transcript entries, paged",
  },
  {
    method: "GET",
    path: "/sessions/{id}/export",
    procedure: "sessions.export",
    tag: "Sessions",
    summary: "Export a session (markdown or JSONL)",
  },
  {
    method: "POST",
    path: "/sessions/{id}/resume",
    procedure: "sessions.resume",
    tag: "Sessions",
    summary: "Resume a session in a new runner",
  },

  { method: "GET", path: "/usage", procedure: "usage.query", tag: "Usage", summary: "Tokens and cost, grouped" },
  { method: "GET", path: "/usage/summary", procedure: "usage.summary", tag: "Usage", summary: "Today's totals" },

  { method: "GET", path: "/budgets", procedure: "budgets.list", tag: "Budgets", summary: "Budgets with their use" },
  { method: "POST", path: "/budgets", procedure: "budgets.create", tag: "Budgets", summary: "Create a budget" },
  { method: "GET", path: "/budgets/{id}", procedure: "budgets.get", tag: "Budgets", summary: "A budget with its use" },
  { method: "PATCH", path: "/budgets/{id}", procedure: "budgets.update", tag: "Budgets", summary: "Edit a budget" },
  { method: "DELETE", path: "/budgets/{id}", procedure: "budgets.delete", tag: "Budgets", summary: "Delete a budget" },

  { method: "GET", path: "/nodes", procedure: "nodes.list", tag: "Nodes", summary: "List nodes" },
  { method: "GET", path: "/nodes/{ref}", procedure: "nodes.get", tag: "Nodes", summary: "A node by name or id" },

  {
    method: "GET",
    path: "/events",
    procedure: "audit.list",
    tag: "Events",
    summary: "The audit log, filtered and paged",
  },
  {
    method: "POST",
    path: "/events/verify",
    procedure: "audit.verify",
    tag: "Events",
    summary: "Verify the audit log's signature chain (admin)",
  },
  {
    method: "GET",
    path: "/notifications",
    procedure: "notifications.list",
    tag: "Events",
    summary: "Your in-app notifications",
  },
  {
    method: "POST",
    path: "/notifications/read",
    procedure: "notifications.markRead",
    tag: "Events",
    summary: "Mark notifications read",
  },
  { method: "GET", path: "/channels", procedure: "channels.list", tag: "Events", summary: "Notification channels" },
  { method: "POST", path: "/channels", procedure: "channels.create", tag: "Events", summary: "Add a channel" },
  { method: "PATCH", path: "/channels/{id}", procedure: "channels.update", tag: "Events", summary: "Edit a channel" },
  {
    method: "DELETE",
    path: "/channels/{id}",
    procedure: "channels.delete",
    tag: "Events",
    summary: "Delete a channel",
  },
  {
    method: "POST",
    path: "/channels/{id}/test",
    procedure: "channels.test",
    tag: "Events",
    summary: "Send a test message",
  },
  {
    method: "GET",
    path: "/channels/{id}/attempts",
    procedure: "channels.attempts",
    tag: "Events",
    summary: "A channel's delivery log",
  },
  { method: "GET", path: "/jobs", procedure: "jobs.overview", tag: "Events", summary: "Outbox and delivery queue" },
];
