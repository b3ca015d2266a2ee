#!/usr/bin/env bash
# Installs (Debian, as root) and starts what the tests and the demo need:
# redis-server, ZooKeeper, Docker Engine, and Chromium (the board's browser test drives it). Idempotent: installs only what is missing,
# starts dockerd only when `docker info` fails. Tests start their own private Redis and
# ZooKeeper on free ports; this script only makes sure the programs exist.
#   --redis-only   the demo: only redis-server is needed
set -euo pipefail

want_docker=1; want_zk=1; want_browser=1
[ "${1:-}" = "--redis-only" ] && { want_docker=0; want_zk=0; want_browser=0; }

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ $want_zk = 1 ] && { [ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper); }
[ $want_zk = 1 ] && { command -v java >/dev/null 2>&1 || missing+=(default-jre-headless); }
[ $want_docker = 1 ] && { command -v dockerd >/dev/null 2>&1 || missing+=(docker.io); }
[ $want_docker = 1 ] && { command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || missing+=(busybox-static); }
# `docker-compose config` checks infra/docker-compose.yml (Debian has no compose plugin for docker.io).
[ $want_docker = 1 ] && { command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose); }
# The tests' browser: Debian's chromium (playwright-core drives it and downloads none of its own),
# and an emoji font, so the board's screenshot shows its ✅ ❌ ⏳ marks.
[ $want_browser = 1 ] && { [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ] || missing+=(chromium); }
[ $want_browser = 1 ] && { [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji); }

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-services: missing: ${missing[*]}" >&2
    echo "setup-services: this script installs them only on Debian as root. Install them yourself:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-services: installing ${missing[*]} (Debian packages)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ $want_docker = 1 ] && ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-services: the Docker engine does not answer and only root can start dockerd here." >&2
    exit 1
  fi
  echo "setup-services: starting dockerd…"
  # No init system on these machines: start the daemon in the background, detached.
  nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "setup-services: dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
fi
echo "setup-services: ready"
