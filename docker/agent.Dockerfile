# Stratavore node agent: connects to a server and runs Claude Code runners in this container.
# Build from the repository root:  podman build -f docker/agent.Dockerfile -t stratavore-agent .
# (--secret id=build-ca,… as in docker/Dockerfile when a proxy intercepts TLS.)
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

# The same first stage as docker/Dockerfile, word for word, so the two builds share its layers.
FROM ${NODE_IMAGE} AS deps
# Marks every stage, so scripts/test-containers.ts can prune what a newer build superseded.
LABEL org.stratavore.image=build-stage
# node-pty has no Linux prebuild: node-gyp compiles it against the headers the node image ships.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=build-ca,target=/etc/ssl/certs/build-ca.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-ca.crt npm ci --no-audit --no-fund --loglevel=error

# One bundled file, as the CLI is built: the agent needs none of the server's packages, only
# node-pty, whose native addon cannot be bundled.
FROM deps AS build
COPY tsconfig.json tsconfig.base.json ./
COPY libs libs
COPY apps/agent apps/agent
RUN node_modules/.bin/esbuild apps/agent/src/main.ts --bundle --platform=node --format=cjs --target=node20 \
      --external:node-pty --tsconfig=tsconfig.base.json --legal-comments=none --log-level=warning \
      --outfile=dist/stratavore-agent.cjs

FROM ${NODE_IMAGE} AS runtime
LABEL org.stratavore.image=agent \
      org.opencontainers.image.title="Stratavore node agent"
# Claude Code works in git checkouts and calls HTTPS APIs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Pinned to the version package-lock.json tests against; its postinstall links the native binary.
# npm's download cache would double the layer (its tarball holds the 370 MB binary too).
ARG CLAUDE_CODE_VERSION=2.1.328
RUN --mount=type=secret,id=build-ca,target=/etc/ssl/certs/build-ca.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-ca.crt npm install -g --no-audit --no-fund --loglevel=error \
      --allow-scripts=@anthropic-ai/claude-code "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" \
 && rm -rf /root/.npm \
 && claude --version
ENV NODE_ENV=production \
    STRATAVORE_AGENT_DATA_DIR=/var/lib/stratavore-agent
WORKDIR /app
COPY --from=build /app/dist/stratavore-agent.cjs ./
COPY --from=build /app/node_modules/node-pty node_modules/node-pty
# /workspace: where project checkouts are mounted for the runners to work in.
RUN mkdir -p /var/lib/stratavore-agent /workspace \
 && chown node:node /var/lib/stratavore-agent /workspace
USER node
# The node credential and the usage spool live here: keep it across restarts.
VOLUME /var/lib/stratavore-agent
WORKDIR /workspace
ENTRYPOINT ["node", "/app/stratavore-agent.cjs"]
