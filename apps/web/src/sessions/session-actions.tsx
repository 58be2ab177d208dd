"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { roleAtLeast, type Runner, type Session } from "@stratavore/contracts";
import { Button } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useFleetCache } from "../realtime/realtime-provider";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";
import { noFolderReason } from "../projects/no-folder-reason";
import { ResumeOptions, type ResumeChoice } from "./resume-options";

/**
 * Resume / Fork / Resume with options… / Continue latest for operators. Each starts a runner
 * and opens it, so success is "you are now looking at the new runner"; refusals show inline.
 * Model and claude flags default (server-side) to those of the session's last runner.
 */
export function SessionActions({ session }: { session: Session }) {
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const { placeRunner } = useFleetCache();
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const [options, setOptions] = useState(false);
  const operator = roleAtLeast(me.role, "operator");
  const handlers = {
    onMutate: () => setError(null),
    onSuccess: (r: Runner) => {
      placeRunner(r);
      router.push(`/runners/${r.id}`);
    },
    onError: (e: unknown) => setError(errorMessage(e)),
  };
  const resume = useMutation(trpc.sessions.resume.mutationOptions(handlers));
  const launch = useMutation(trpc.runners.launch.mutationOptions(handlers));
  // What the last runner of this session ran with: the defaults the options panel shows.
  const last = useQuery(
    trpc.runners.list.queryOptions({ limit: 1, session: session.id }, { enabled: operator && options }),
  );
  const project = session.projectName;
  // Where the project is checked out: a resume can only run on a node that has its folder.
  const folder = useQuery(
    trpc.projects.folder.queryOptions({ ref: project ?? "" }, { enabled: operator && !!project }),
  );
  if (!operator) return null;

  const busy = resume.isPending || launch.isPending;
  // Which button is spinning: the mutation's variables say what was asked.
  const spinning = (fork: boolean) => resume.isPending && !options && (resume.variables?.fork ?? false) === fork;
  const nowhere = noFolderReason(folder.data, "resume");
  const notResumable = !session.resumable
    ? !project
      ? "This session belongs to no project (its folder was not an absolute path), so there is nowhere to resume it."
      : "Claude Code cannot resume this session (its transcript is not in the archive)."
    : nowhere;
  const canResume = session.resumable && !nowhere;
  const go = (c: ResumeChoice) => resume.mutate({ id: session.id, ...c });
  return (
    <div className="session-actions" data-testid="session-actions">
      <div className="row-actions">
        <Button
          variant="primary"
          busy={spinning(false)}
          disabled={busy || !canResume}
          title={notResumable}
          onClick={() => resume.mutate({ id: session.id })}
        >
          Resume
        </Button>
        <Button
          busy={spinning(true)}
          disabled={busy || !canResume}
          title={notResumable ?? "A new session that starts from this conversation; this one stays as it is."}
          onClick={() => resume.mutate({ id: session.id, fork: true })}
        >
          Fork
        </Button>
        <Button disabled={busy || !canResume} aria-expanded={options} onClick={() => setOptions((p) => !p)}>
          Resume with options…
        </Button>
        {project ? (
          <Button
            busy={launch.isPending}
            disabled={busy || !!nowhere}
            title={nowhere ?? "The project's most recent session, resumed (or pick Fork in the launch dialog)."}
            onClick={() => launch.mutate({ project, mode: "continue" })}
          >
            Continue latest
          </Button>
        ) : null}
      </div>
      {options ? (
        <ResumeOptions busy={resume.isPending} disabled={busy} lastRunner={last.data?.[0] ?? null} onGo={go} />
      ) : null}
      {error ? (
        <span className="inline-error" role="alert">
          {error.message}
          {error.code ? <code className="error-code">{error.code}</code> : null}
        </span>
      ) : null}
    </div>
  );
}
