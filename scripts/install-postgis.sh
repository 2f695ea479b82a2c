#!/usr/bin/env bash
# Install Debian's PostgreSQL server and PostGIS when missing: the team-store tests start a
# throwaway server from them (tests/pg_server.py). Nothing else is downloaded.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
server_major() {
  # The newest installed server, e.g. 15 (Debian keeps each under /usr/lib/postgresql/N/bin).
  ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed -E 's#.*/postgresql/([0-9]+)/bin/postgres#\1#' | sort -n | tail -1
}
has_postgis() { ls /usr/share/postgresql/"$1"/extension/postgis.control >/dev/null 2>&1; }
major="$(server_major)"
if [ -n "$major" ] && has_postgis "$major"; then exit 0; fi
echo "Installing Debian's PostgreSQL and PostGIS (needed by the team-store tests)..."
$SUDO apt-get update -qq
if [ -z "$major" ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  major="$(server_major)"
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-$major-postgis-3" >/dev/null
has_postgis "$major"
echo "PostgreSQL $major with PostGIS: ready"
