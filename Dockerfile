# One image for every service of the platform; docker-compose.yml picks the command per service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY prisma ./prisma
COPY scripts ./scripts
COPY schema ./schema
COPY prisma.config.ts tsconfig.base.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
ENV NODE_ENV=production HOST=0.0.0.0
