# syntax=docker/dockerfile:1
# One image for every process of the platform (scripts/processes.ts); docker-compose.yml picks the
# command per service: `node dist/<entry>`. Three stages, so the image ships the compiled output
# and production dependencies only (no TypeScript sources, tsx, compilers or test tools), and runs
# as the unprivileged `node` user of the official image.
# The build stages use the full image (python3, make, g++ for argon2); the runtime the slim one of
# the same Debian release, so the compiled module's libc matches.
ARG NODE_BUILD_IMAGE=node:20.20.2-bookworm
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# 1. Build: every dependency (the postinstall generates the Prisma clients), then `npm run build`.
FROM ${NODE_BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY packages/common/package.json packages/common/
COPY packages/client/package.json packages/client/
COPY subgraphs/platform/package.json subgraphs/platform/
COPY subgraphs/crm/package.json subgraphs/crm/
COPY subgraphs/office/package.json subgraphs/office/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/hr/package.json subgraphs/hr/
COPY subgraphs/search/package.json subgraphs/search/
COPY gateway/package.json gateway/
COPY scripts/prisma-generate.mjs scripts/
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only, without install scripts (the Prisma clients are compiled into
#    dist/ already) except argon2's: its prebuilt binary crashed (SIGSEGV) on a CPU it was tried on,
#    while the module built here works.
FROM ${NODE_BUILD_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/common/package.json packages/common/
COPY packages/client/package.json packages/client/
COPY subgraphs/platform/package.json subgraphs/platform/
COPY subgraphs/crm/package.json subgraphs/crm/
COPY subgraphs/office/package.json subgraphs/office/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/hr/package.json subgraphs/hr/
COPY subgraphs/search/package.json subgraphs/search/
COPY gateway/package.json gateway/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild argon2 && npm cache clean --force

# 3. Runtime: node_modules + dist/ (dist/node_modules/@bacbos/* point at the compiled workspaces).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=production-dependencies /app/package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
CMD ["node", "--enable-source-maps", "dist/gateway/src/main.js"]
