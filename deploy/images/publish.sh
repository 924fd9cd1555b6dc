#!/usr/bin/env bash
# Publishes one MediaCenter process into a folder, the way its container image is built: each Dockerfile runs
# this script, and `./mediacenter publish` runs it for all four, so the command checked here is the one the
# images run.
#   usage: deploy/images/publish.sh silo|web|gateway|migrator OUT_DIR
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
case "${1:-}" in
  silo) project=silo/MediaCenter.Silo/MediaCenter.Silo.csproj ;;
  web) project=client-web/MediaCenter.Web/MediaCenter.Web.csproj ;;
  gateway) project=devices-gateway/MediaCenter.DevicesGateway/MediaCenter.DevicesGateway.csproj ;;
  migrator) project=tools/MediaCenter.Launcher/MediaCenter.Launcher.csproj ;;
  *) echo "usage: $0 silo|web|gateway|migrator OUT_DIR" >&2; exit 2 ;;
esac
[ -n "${2:-}" ] || { echo "usage: $0 silo|web|gateway|migrator OUT_DIR" >&2; exit 2; }

# Framework-dependent (the image brings the ASP.NET Core runtime), no native launcher: the images run `dotnet X.dll`.
dotnet publish "$ROOT/$project" -c Release -o "$2" -p:UseAppHost=false --nologo -v quiet -clp:ErrorsOnly
