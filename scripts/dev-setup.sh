#!/usr/bin/env bash
# A developer's machine (Debian): installs and starts what the integration and e2e test tiers need.
# Needs root (or sudo). `.ci/run` does the same on a clean CI machine, then `npm ci` and `npm test`.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# util-linux (Essential in Debian, named for what the tests use of it): taskset, in bench-proc.test.ts.
$SUDO apt-get install -y -qq chromium ffmpeg redis-server postgresql prometheus util-linux \
  fonts-noto-cjk fonts-noto-color-emoji >/dev/null
# Services: started only when nothing answers on their port already.
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
# The tests connect as postgres with trust auth to database `test`.
for i in $(seq 1 40); do (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && break; sleep 0.5; done
psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
  createdb -h 127.0.0.1 -U postgres test
echo "ready: Redis 127.0.0.1:6379, PostgreSQL 127.0.0.1:5432 (database test), chromium, ffmpeg, prometheus"
