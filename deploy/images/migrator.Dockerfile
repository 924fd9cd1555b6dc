# syntax=docker/dockerfile:1
# The database migrator: `mediacenter db migrate --bootstrap-admin` against MEDIACENTER_DB, then exits.
# One-shot: a compose service the silos wait for, a Kubernetes Job (and the silos' init container,
# which runs `db status` until the schema is current). Build from the repository root:
#   docker build -f deploy/images/migrator.Dockerfile -t mediacenter/migrator:dev .

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=mediacenter-nuget,target=/root/.nuget/packages \
    bash deploy/images/publish.sh migrator /app

# The launcher uses ASP.NET Core's password hasher (identity/), hence the aspnet runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
WORKDIR /app
COPY --from=build /app ./
ENV DOTNET_ENVIRONMENT=Production
USER $APP_UID
ENTRYPOINT ["dotnet", "mediacenter-launcher.dll"]
CMD ["db", "migrate", "--bootstrap-admin"]
