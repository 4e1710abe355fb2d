# carve API and worker image (one image, two commands; see docker-compose.yml).
# Build: docker build -t carve .    Run the API: docker run -e DATABASE_URL=... -e REDIS_URL=... -e HOST=0.0.0.0 -p 3000:3000 carve

FROM node:20-bookworm-slim AS build
WORKDIR /app
# python3/make/g++ let ssh2's optional native helpers (cpu-features) build instead of being skipped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# swc compiles apps, libs, migrations and scripts to dist/ (path aliases rewritten to relative requires);
# agent:build bundles the Dom0 agent into dist/agent/carve-agent.js, the file POST /v1/hosts/:id/agent installs.
RUN npm run build && npm run agent:build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The worker runs the same image with: node dist/apps/worker/src/main.js
# Migrations and the bootstrap operator: node dist/scripts/migrate.js
CMD ["node", "dist/apps/api/src/main.js"]
