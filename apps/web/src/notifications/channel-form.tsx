"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { ChannelConfig, ChannelKind } from "@stratavore/contracts";
import { Alert, Button, Field, Select, TextInput } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";
import { ChannelFilterFields, type ChannelFilter } from "./channel-filter-fields";

const KIND_LABEL: Record<ChannelKind, string> = {
  in_app: "In-app (every user's bell)",
  webhook: "Webhook (signed JSON POST)",
  telegram: "Telegram bot",
  rabbitmq: "RabbitMQ topic exchange",
};

/** The settings one kind of channel needs, from the form's fields. */
function configOf(kind: ChannelKind, f: Record<string, string>): ChannelConfig {
  switch (kind) {
    case "in_app":
      return { kind };
    case "webhook":
      return { kind, url: f.url ?? "", ...(f.secret ? { secret: f.secret } : {}) };
    case "telegram":
      return { kind, botToken: f.botToken ?? "", chatId: f.chatId ?? "", ...(f.apiRoot ? { apiRoot: f.apiRoot } : {}) };
    case "rabbitmq":
      return { kind, url: f.url ?? "", exchange: f.exchange || "stratavore" };
  }
}

/** Add a channel: its kind and settings, and which events it takes (types, projects, severity). */
export function ChannelForm({ onCreated }: { onCreated: (webhookSecret: string | null) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<ChannelKind>("webhook");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState<ChannelFilter>({ eventFilter: [], projectFilter: [], minSeverity: "info" });
  const create = useMutation(
    trpc.channels.create.mutationOptions({
      onSuccess: (res) => {
        void qc.invalidateQueries({ queryKey: trpc.channels.list.queryKey() });
        setName("");
        setFields({});
        onCreated(res.webhookSecret);
      },
    }),
  );
  const set = (k: string) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name,
      config: configOf(kind, fields),
      ...filter,
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Add a channel">
      {create.error ? <Alert>{errorMessage(create.error).message}</Alert> : null}
      <Field label="Name" htmlFor="ch-name">
        <TextInput id="ch-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      <Field label="Kind" htmlFor="ch-kind">
        <Select id="ch-kind" value={kind} onChange={(e) => setKind(e.target.value as ChannelKind)}>
          {(Object.keys(KIND_LABEL) as ChannelKind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </Select>
      </Field>
      {kind === "webhook" ? (
        <>
          <Field label="URL" htmlFor="ch-url" hint="Receives a JSON POST per event, signed in X-Stratavore-Signature.">
            <TextInput id="ch-url" value={fields.url ?? ""} onChange={set("url")} placeholder="https://…" />
          </Field>
          <Field label="Signing secret" htmlFor="ch-secret" hint="Empty: one is generated and shown once.">
            <TextInput id="ch-secret" value={fields.secret ?? ""} onChange={set("secret")} autoComplete="off" />
          </Field>
        </>
      ) : null}
      {kind === "telegram" ? (
        <>
          <Field label="Bot token" htmlFor="ch-bot" hint="From @BotFather; stored encrypted.">
            <TextInput id="ch-bot" value={fields.botToken ?? ""} onChange={set("botToken")} autoComplete="off" />
          </Field>
          <Field label="Chat id" htmlFor="ch-chat">
            <TextInput id="ch-chat" value={fields.chatId ?? ""} onChange={set("chatId")} />
          </Field>
          <Field
            label="Bot API root"
            htmlFor="ch-root"
            hint="Empty: https://api.telegram.org (or a local Bot API server)."
          >
            <TextInput id="ch-root" value={fields.apiRoot ?? ""} onChange={set("apiRoot")} />
          </Field>
        </>
      ) : null}
      {kind === "rabbitmq" ? (
        <>
          <Field label="Broker URL" htmlFor="ch-amqp" hint="amqp://user:password@host:5672/vhost; stored encrypted.">
            <TextInput id="ch-amqp" value={fields.url ?? ""} onChange={set("url")} autoComplete="off" />
          </Field>
          <Field
            label="Exchange"
            htmlFor="ch-exchange"
            hint="A durable topic exchange; keys are <entity>.<event>.<project>."
          >
            <TextInput
              id="ch-exchange"
              value={fields.exchange ?? ""}
              onChange={set("exchange")}
              placeholder="stratavore"
            />
          </Field>
        </>
      ) : null}
      <ChannelFilterFields idPrefix="ch" value={filter} onChange={setFilter} />
      <Button type="submit" variant="primary" busy={create.isPending}>
        Add channel
      </Button>
    </form>
  );
}
