#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback for the tests and print the SQLAlchemy URL of a role that
# may create databases (each study-record test creates and drops its own database).
# Installs the server with apt-get when it is missing (CI runs as root). Prints nothing and exits 1
# when no server can be started.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "PostgreSQL 未安装" >&2; exit 1; }
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
cluster_line=$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v' | head -1 || true)
if [ -z "$cluster_line" ]; then
  pg_createcluster "$version" main >/dev/null
  cluster_line=$(pg_lsclusters -h | awk -v v="$version" '$1 == v' | head -1)
fi
name=$(echo "$cluster_line" | awk '{print $2}')
port=$(echo "$cluster_line" | awk '{print $3}')
pg_ctlcluster "$version" "$name" start >&2 2>/dev/null || true   # already running is fine
for _ in $(seq 1 30); do
  su postgres -c "psql -p $port -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -p $port -qAtc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dangjian_test') THEN CREATE ROLE dangjian_test LOGIN CREATEDB PASSWORD 'dangjian_test'; END IF; END\\\$\\\$;\"" >/dev/null
su postgres -c "psql -p $port -qAtc \"SELECT 1 FROM pg_database WHERE datname = 'dangjian_test'\"" | grep -q 1 || \
  su postgres -c "createdb -p $port -O dangjian_test dangjian_test"
echo "postgresql+psycopg://dangjian_test:dangjian_test@127.0.0.1:$port/dangjian_test"
