#!/usr/bin/env bash
# A PostgreSQL server of the test command's own, on loopback only, from Debian's `postgresql`
# (installed by scripts/setup.sh). Nothing is shared with a system cluster: its own data folder,
# port and socket folder, trust authentication for the one local user.
#
#   scripts/pg.sh start [PORT]   start (initdb on first use); prints the server's URL
#   scripts/pg.sh stop [PORT]    fast shutdown
#   scripts/pg.sh kill [PORT]    SIGKILL the postmaster (fault tests), then let it be restarted
#   scripts/pg.sh url [PORT]     the URL of the `postgres` database, for psql and createdb
#
# The data folder is /tmp/bianmin-pg-PORT (PORT defaults to 55432). initdb refuses to run as
# root, so as root the server runs as the `postgres` user the Debian package created.
set -euo pipefail

cmd=${1:-start}
port=${2:-${BIANMIN_PG_PORT:-55432}}
dir=/tmp/bianmin-pg-$port
user=bianmin
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg.sh: Debian's postgresql is not installed (bash scripts/setup.sh)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { echo "postgres://$user@127.0.0.1:$port/postgres"; }

case "$cmd" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      rm -rf "$dir"
      mkdir -p "$dir"
      [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
      as_owner "$bin/initdb" -D "$dir" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
        || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    # Asked over the socket, not with `pg_ctl status`: after `kill`, the dead postmaster may stay
    # a zombie (until PID 1 reaps it) that pg_ctl still counts as running.
    if ! "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; then
      # A lock file left by a killed postmaster (gone, or a zombie) would stop the new one.
      if [ -f "$dir/postmaster.pid" ]; then
        old=$(head -1 "$dir/postmaster.pid")
        state=$(ps -o stat= -p "$old" 2>/dev/null || true)
        case "$state" in ""|Z*) rm -f "$dir/postmaster.pid" "$dir/.s.PGSQL.$port.lock" ;; esac
      fi
      # fsync stays on (the default): the fault tests count on an acknowledged commit surviving.
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" >/dev/null
    fi
    url
    ;;
  stop)
    [ -f "$dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  kill)
    pid=$(head -1 "$dir/postmaster.pid")
    kill -9 "$pid"
    # The backends notice the postmaster is gone and exit; wait so a restart can take the port.
    for _ in $(seq 100); do
      pgrep -u postgres -f -- "-D $dir" >/dev/null 2>&1 || pgrep -f -- "$dir" >/dev/null 2>&1 || break
      sleep 0.1
    done
    ;;
  url)
    url
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop|kill|url [PORT]" >&2
    exit 2
    ;;
esac
