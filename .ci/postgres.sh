#!/usr/bin/env bash
# Install (if missing) and start a local PostgreSQL on loopback with a `callcoach` database,
# then print its DATABASE_URL. Needs root, as on the CI and developer machines.
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters --no-header | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
psql_admin() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt -c \"$1\""; }
if [ -z "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'callcoach'")" ]; then
  psql_admin "CREATE ROLE callcoach LOGIN PASSWORD 'callcoach'" >&2
fi
if [ -z "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'callcoach_test'")" ]; then
  psql_admin "CREATE DATABASE callcoach_test OWNER callcoach" >&2
fi
echo "postgresql+psycopg://callcoach:callcoach@127.0.0.1:$port/callcoach_test"
