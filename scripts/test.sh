#!/usr/bin/env bash
# Run the test suite against a throwaway PostgreSQL server (see scripts/pg.sh).
# Arguments are passed to pytest. The server is always stopped and its directory
# removed afterwards; the exit code is pytest's (5, "no tests collected", is a failure).
# `make test` runs setup and browser first; this script assumes they have been done.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

[[ -x .venv/bin/python ]] || { echo "test.sh: no .venv; run make setup first" >&2; exit 1; }

pg_dir=/tmp/commission-pg-$$
cleanup() { scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

url=
for attempt in 1 2 3; do
  port=$(free_port)
  if url=$(scripts/pg.sh start "$pg_dir" "$port"); then break; fi
  url=
  echo "test.sh: PostgreSQL did not start on port $port (attempt $attempt)" >&2
done
[[ -n "$url" ]] || { echo "test.sh: could not start PostgreSQL" >&2; exit 1; }

export COMMISSION_TEST_POSTGRES_URL=$url
export COMMISSION_REQUIRE_POSTGRES=1

status=0
# One worker per core (pytest-xdist); each worker gets its own PostgreSQL database (tests/conftest.py).
.venv/bin/python -m pytest -n auto --dist loadfile "$@" || status=$?
exit "$status"
