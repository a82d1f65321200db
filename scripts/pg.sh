#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests.
#
#   scripts/pg.sh start DIR PORT   make a fresh cluster in DIR, listen on 127.0.0.1:PORT,
#                                  create database commission_test and print its URL:
#                                  postgresql+psycopg://app@127.0.0.1:PORT/commission_test
#   scripts/pg.sh stop DIR         stop that server (fast) and delete DIR
#
# Only the URL goes to stdout; progress and errors go to stderr. initdb and pg_ctl refuse
# to run as root, so as root the cluster belongs to the `postgres` user (runuser);
# otherwise they run as the current user. Debian's postgresql is installed if missing.
# Nothing here is durable (fsync off, trust auth on loopback): tests only.
set -euo pipefail

DB_NAME=commission_test
DB_USER=app

log() { echo "pg.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

is_root() { [[ "$(id -u)" == 0 ]]; }

maybe_sudo() {
  if is_root; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

find_bindir() {
  local initdb
  initdb=$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$initdb" ]] && dirname "$initdb"
}

ensure_postgres_installed() {
  BIN=$(find_bindir || true)
  if [[ -z "$BIN" ]]; then
    log "PostgreSQL not found; installing Debian's postgresql"
    maybe_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    maybe_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    BIN=$(find_bindir || true)
    [[ -n "$BIN" ]] || die "installed postgresql but found no /usr/lib/postgresql/*/bin/initdb"
  fi
}

# Run a PostgreSQL server binary as the cluster's owner.
as_owner() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Absolute path without requiring it to exist.
abspath() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

# The postmaster's pid from DIR/data/postmaster.pid if that process is a live
# (not zombie) postgres; empty otherwise.
live_postmaster() {
  local pid state
  pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  grep -q postgres "/proc/$pid/comm" 2>/dev/null || return 0
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || true)
  [[ -n "$state" && "$state" != Z && "$state" != X ]] && echo "$pid"
  return 0
}

# Stop whatever server may be running from DIR and delete DIR. Safe if DIR is missing,
# half-made, or left by a crashed run.
teardown() {
  local dir=$1 data=$1/data pid i
  pid=$(live_postmaster "$data")
  if [[ -n "$pid" ]]; then
    if [[ -n "${BIN:-}" && -x "$BIN/pg_ctl" ]]; then
      as_owner "$BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >&2 2>&1 \
        || as_owner "$BIN/pg_ctl" -D "$data" -m immediate -w -t 10 stop >&2 2>&1 \
        || true
    fi
    # Still there (pg_ctl missing or it gave up)? Signal the postmaster directly.
    pid=$(live_postmaster "$data")
    if [[ -n "$pid" ]]; then
      kill -QUIT "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do
        [[ -z "$(live_postmaster "$data")" ]] && break
        sleep 0.1
      done
    fi
  fi
  rm -rf -- "$dir"
}

cmd_start() {
  [[ $# -eq 2 ]] || usage
  local dir port data url i
  dir=$(abspath "$1"); port=$2
  [[ "$port" =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || die "bad port: $port"
  [[ "$dir" != "/" ]] || die "refusing to use / as the cluster directory"
  data=$dir/data
  # Unix socket paths are limited to 107 bytes.
  (( ${#dir} + 20 < 107 )) || die "directory path too long for a Unix socket: $dir (use something under /tmp)"

  ensure_postgres_installed

  if [[ -e "$dir" ]]; then
    log "$dir exists (left by an earlier run?); stopping and removing it"
    teardown "$dir"
  fi

  mkdir -p "$dir"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "user postgres does not exist (is Debian's postgresql installed?)"
    chown postgres: "$dir"
    chmod 700 "$dir"
    runuser -u postgres -- test -w "$dir" \
      || die "user postgres cannot write to $dir (is a parent directory private?); use a directory under /tmp"
  fi

  log "initdb $data"
  if ! as_owner "$BIN/initdb" -D "$data" -U "$DB_USER" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  fi

  log "starting on 127.0.0.1:$port"
  if ! as_owner "$BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2; then
    cat "$dir/server.log" >&2 || true
    teardown "$dir"
    die "PostgreSQL did not start (is port $port already in use?)"
  fi

  for i in $(seq 1 100); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres; then break; fi
    (( i < 100 )) || { cat "$dir/server.log" >&2; teardown "$dir"; die "PostgreSQL not ready after 10 s"; }
    sleep 0.1
  done

  "$BIN/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DB_NAME" \
    || { teardown "$dir"; die "createdb $DB_NAME failed"; }

  url="postgresql+psycopg://$DB_USER@127.0.0.1:$port/$DB_NAME"
  log "ready: $url"
  printf '%s\n' "$url"
}

cmd_stop() {
  [[ $# -eq 1 ]] || usage
  local dir
  dir=$(abspath "$1")
  [[ "$dir" != "/" ]] || die "refusing to remove /"
  BIN=$(find_bindir || true)
  if [[ ! -e "$dir" ]]; then
    log "$dir does not exist; nothing to stop"
    return 0
  fi
  log "stopping $dir"
  teardown "$dir"
}

[[ $# -ge 1 ]] || usage
sub=$1; shift
case "$sub" in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  *) usage ;;
esac
