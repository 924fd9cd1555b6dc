#!/usr/bin/env bash
# The images' HEALTHCHECK: GET http://127.0.0.1:PORT/PATH, healthy on a 200 answer. Plain bash (/dev/tcp), because
# the .NET runtime images carry neither curl nor wget.
#   usage: healthcheck.sh PORT PATH     e.g. healthcheck.sh 5082 /health/live
set -euo pipefail
port="${1:?usage: healthcheck.sh PORT PATH}" path="${2:?usage: healthcheck.sh PORT PATH}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
read -r -t 3 _ status _ <&3
[ "$status" = "200" ]
