# syntax=docker/dockerfile:1
# Dalgona: one image for the worker, the API (with the built UI), the payment sandbox and the one-shot setup jobs.
# (The syntax directive only counts on the very first line.)

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run ui:build && npm run build:worker

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# jemalloc for the worker (docker-compose preloads it there): glibc's malloc keeps what a charge burst frees.
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/* \
  && ln -s "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2" /usr/local/lib/libjemalloc.so.2
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/domain ./domain
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/activities ./activities
COPY --from=build /app/api ./api
COPY --from=build /app/worker ./worker
COPY --from=build /app/db ./db
COPY --from=build /app/infra ./infra
COPY --from=build /app/payments ./payments
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/tsconfig.json ./
COPY --from=build /app/ui/build ./ui/build
COPY --from=build /app/legal ./legal
# The worker runs as one built ES module (no TypeScript loader in the process): lighter, see bench:charge-burst.
COPY --from=build /app/.cache/worker.mjs /app/.cache/worker.mjs.map ./.cache/
RUN mkdir -p /data/images /app/.cache && chown node:node /data/images /app/.cache
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
