# syntax=docker/dockerfile:1
# The Orleans silo. Build from the repository root:
#   docker build -f deploy/images/silo.Dockerfile -t mediacenter/silo:dev .
# Ports: 5082 health and metrics, 11111 silo-to-silo, 30000 client gateway. Settings: docs/OPERATIONS.md#deployment.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=mediacenter-nuget,target=/root/.nuget/packages \
    bash deploy/images/publish.sh silo /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
WORKDIR /app
COPY --from=build /app ./
COPY --chmod=0755 deploy/images/healthcheck.sh /usr/local/bin/mc-healthcheck
# Urls overrides the loopback address in appsettings.json; the silo's advertised address comes from
# Silo__AdvertisedAddress (compose) or from the pod (Silo__Kubernetes=true).
ENV Urls=http://+:5082 \
    DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_ENVIRONMENT=Production \
    Logging__Console__FormatterName=json
EXPOSE 5082 11111 30000
# The non-root user the .NET images provide (app, uid 1654).
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["mc-healthcheck", "5082", "/health/live"]
ENTRYPOINT ["dotnet", "MediaCenter.Silo.dll"]
