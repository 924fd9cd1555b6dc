# syntax=docker/dockerfile:1
# client-web: REST API, SignalR hub, dashboards. Build from the repository root:
#   docker build -f deploy/images/web.Dockerfile -t mediacenter/web:dev .
# Port: 5080 (API, hub, pages, health, metrics). Settings: docs/OPERATIONS.md#deployment.

# The browser libraries come from npm (package-lock.json), as in a local build.
FROM node:22-bookworm-slim AS assets
WORKDIR /assets
COPY client-web/MediaCenter.Web/package.json client-web/MediaCenter.Web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
# With these two in wwwroot/lib the project's RestoreBrowserLibraries step has nothing left to do (no npm here).
COPY --from=assets /assets/node_modules/@microsoft/signalr/dist/browser/signalr.min.js \
                   /assets/node_modules/echarts/dist/echarts.min.js \
                   client-web/MediaCenter.Web/wwwroot/lib/
RUN --mount=type=cache,id=mediacenter-nuget,target=/root/.nuget/packages \
    bash deploy/images/publish.sh web /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
WORKDIR /app
COPY --from=build /app ./
COPY --chmod=0755 deploy/images/healthcheck.sh /usr/local/bin/mc-healthcheck
ENV Urls=http://+:5080 \
    DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_ENVIRONMENT=Production \
    Logging__Console__FormatterName=json
EXPOSE 5080
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["mc-healthcheck", "5080", "/health/live"]
ENTRYPOINT ["dotnet", "MediaCenter.Web.dll"]
