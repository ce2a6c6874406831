# Support Desk as a container (Azure Container Apps, App Service for containers, any host).
# Build: docker build -t support-desk .
# Run:   docker run -p 3978:3978 -e MicrosoftAppId=... support-desk   (settings: docs/deploy.md)
#
# Stage 1 compiles TypeScript with the dev dependencies; stage 2 holds only the compiled
# server and the production dependencies, and `npm start` runs `node dist/src/index.js`.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:${NODE_VERSION}-bookworm-slim
# `npm start` would first run `prestart` (a TypeScript build, which needs the dev
# dependencies); the image already holds the build, so npm skips lifecycle scripts.
ENV NODE_ENV=production \
    PORT=3978 \
    npm_config_ignore_scripts=true \
    npm_config_update_notifier=false \
    npm_config_fund=false
WORKDIR /app
# .data/: the embedded Azurite's files when no TABLES_* setting is given (trying it out only).
RUN mkdir -p /app/.data && chown node:node /app/.data
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "start"]
