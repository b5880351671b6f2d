#!/bin/sh
# A throwaway PostgreSQL cluster for the tests labelled postgres: the CTest
# fixture relay_pg_cluster (tests/relay/CMakeLists.txt) runs `setup` before
# the first of them and `cleanup` after the last, so `ctest -L postgres`
# needs no wrapper (pg_virtualenv still works: the fixture's PGHOST wins).
# The relay crash tests call `stop-immediate` and `start` to cut the
# database off under load.
#
#   pg_test_cluster.sh setup|cleanup|start|stop-immediate DIR
#
# DIR holds the data directory (DIR/data), the server's log (DIR/server.log)
# and its Unix socket: the server listens on no TCP port (listen_addresses
# ''), so clusters of several build directories or users never collide,
# and the tests reach it with PGHOST=DIR. fsync and synchronous_commit are
# on: the durability tests need them (the relay refuses a server without
# them). Authentication is `trust`: the socket's directory is the caller's
# alone. initdb refuses to run as root: as root, the server runs as the
# system user postgres (the Debian package creates it) and DIR belongs to it.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 setup|cleanup|start|stop-immediate DIR" >&2
  exit 2
fi
action=$1
dir=$2
# The libpq environment may name a port (pg_virtualenv exports PGPORT): the
# socket gets that number so that libpq, given PGHOST=DIR, finds it.
port=${PGPORT:-5432}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "pg_test_cluster: the PostgreSQL server programs are not installed" \
    "(no /usr/lib/postgresql/VERSION/bin/initdb): install the Debian package" \
    "postgresql (scripts/deps does), or run the tests labelled postgres elsewhere" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c fsync=on -c synchronous_commit=on -c listen_addresses='' -c port=$port -c unix_socket_directories='$dir' -c max_connections=200" \
    start >/dev/null || {
    echo "pg_test_cluster: the server did not start; its log:" >&2
    tail -n 20 "$dir/server.log" >&2
    exit 1
  }
}

stop() {  # $1: fast or immediate
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m "$1" -w -t 60 stop >/dev/null
  fi
}

case $action in
  setup)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "pg_test_cluster: running as root needs the system user postgres (Debian package postgresql)" >&2
      exit 1
    fi
    if [ -d "$dir/data" ]; then stop immediate || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    # --no-sync: the cluster is thrown away; the server itself runs with fsync on.
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
      echo "pg_test_cluster: initdb failed:" >&2
      cat "$dir/initdb.log" >&2
      exit 1
    }
    start
    # The tests connect as whoever runs them (or as PGUSER): superusers,
    # since they create and drop databases.
    for role in "$(id -un)" "${PGUSER:-}"; do
      if [ -n "$role" ] && [ "$role" != postgres ]; then
        as_owner "$bindir/psql" -q -h "$dir" -p "$port" -U postgres -d postgres \
          -c "CREATE ROLE \"$role\" SUPERUSER LOGIN" >/dev/null
      fi
    done
    # Tells the tests the cluster is thrown away afterwards (no need to drop
    # their databases one by one: each DROP DATABASE waits for a checkpoint).
    touch "$dir/throwaway-cluster"
    echo "pg_test_cluster: PostgreSQL ($bindir) running, PGHOST=$dir"
    ;;
  start) start ;;
  stop-immediate) stop immediate ;;
  cleanup)
    stop immediate || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 setup|cleanup|start|stop-immediate DIR" >&2
    exit 2
    ;;
esac
