# syntax=docker/dockerfile:1
# The devices gateway (MQTT edge). Build from the repository root:
#   docker build -f deploy/images/gateway.Dockerfile -t mediacenter/gateway:dev .
# Ports: 5081 health and metrics, 1883 MQTT (embedded broker). Settings: docs/OPERATIONS.md#deployment.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=mediacenter-nuget,target=/root/.nuget/packages \
    bash deploy/images/publish.sh gateway /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
WORKDIR /app
COPY --from=build /app ./
COPY --chmod=0755 deploy/images/healthcheck.sh /usr/local/bin/mc-healthcheck
# The embedded broker binds Mqtt:Host (loopback in appsettings.json): every address in a container.
# With Mqtt__Mode=External, Mqtt__Host names the external broker instead.
ENV Urls=http://+:5081 \
    Mqtt__Host=0.0.0.0 \
    Mqtt__Port=1883 \
    DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_ENVIRONMENT=Production \
    Logging__Console__FormatterName=json
EXPOSE 5081 1883
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["mc-healthcheck", "5081", "/health/live"]
ENTRYPOINT ["dotnet", "MediaCenter.DevicesGateway.dll"]
