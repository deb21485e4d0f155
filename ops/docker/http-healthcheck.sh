#!/usr/bin/env bash
# HTTP health probe baked into the Orders.Api image (it reads PostgreSQL tables orders and outbox; no topic).
# The aspnet base image has neither curl nor wget, and the app should not grow a probe mode of its own, so this speaks
# just enough HTTP/1.1 over bash's /dev/tcp to read the status line of GET <path> on the port Kestrel listens on.
# Exit 0 only for a 200 answer.
set -euo pipefail

path=${1:-/health/ready}
ports=${ASPNETCORE_HTTP_PORTS:-8080}
port=${ports%%[;,]*}

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS=' ' read -r -t 5 _ status _ <&3
[[ $status == 200 ]]
