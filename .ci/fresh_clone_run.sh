#!/usr/bin/env bash
# CI: the README's run command (`make run`) on a fresh clone in a temporary folder, with nothing set: SQLite,
# in-process tasks. It must serve `/`, then (once the background build is done) a track page and the similar API
# (200 each), then stop cleanly, the background build included.
#
# ../shared/data beside the clone holds the first FRESH_CLONE_ROWS rows (default 5000) of the real dataset,
# to keep CI time down. FRESH_CLONE_DOWNLOAD=1 instead leaves ../shared out and serves the whole real file,
# decompressed, from a local HTTP server, so `make run` takes its pinned-URL download path (UPSTREAM_DATASET
# pointed at that server; the sha256 stays the Makefile's pin).
# The clone reuses this checkout's .venv (FRESH_CLONE_VENV; empty for a new one in the clone) to save minutes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${FRESH_CLONE_PORT:-8000}"
rows="${FRESH_CLONE_ROWS:-5000}"
venv="${FRESH_CLONE_VENV-$repo/.venv}"
timeout="${FRESH_CLONE_TIMEOUT:-900}"
source_data="${SONGREC_DATASET:-$repo/../shared/data/spotify_tracks_dataset.csv.gz}"
track_id="5SuOikwiRyPMVoIQDJUgSV"  # "Comedy" by Gen Hoshino, the dataset's first row

work="$(mktemp -d)"
server_pid="" http_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM -- "-$server_pid" 2>/dev/null || true
  [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
alive() {  # a background child that exited stays a zombie until waited for; kill -0 would still succeed
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" && [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

git clone --quiet "$repo" "$work/songrec"
git -C "$work/songrec" checkout --quiet "$(git -C "$repo" rev-parse HEAD)"
make_args=(HOST="127.0.0.1:$port")
[ -n "$venv" ] && make_args+=(VENV="$venv")

if [ "${FRESH_CLONE_DOWNLOAD:-0}" = 1 ]; then
  mkdir -p "$work/upstream"
  gzip -dc "$source_data" > "$work/upstream/dataset.csv"
  (cd "$work/upstream" && exec python3 -m http.server "$((port + 1))" --bind 127.0.0.1 >/dev/null 2>&1) &
  http_pid=$!
  make_args+=(UPSTREAM_DATASET="http://127.0.0.1:$((port + 1))/dataset.csv")
else
  mkdir -p "$work/shared/data"
  gzip -dc "$source_data" | head -n "$((rows + 1))" > "$work/shared/data/spotify_tracks_dataset.csv" || true
fi

log="$work/make-run.log"
(cd "$work/songrec" && exec env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u SONGREC_VAR_DIR \
  -u MLFLOW_TRACKING_URI -u RECOMMENDER_INDEX_DIR setsid make run "${make_args[@]}" >"$log" 2>&1) &
server_pid=$!

base="http://127.0.0.1:$port"
deadline=$((SECONDS + timeout))
until curl -fs -o /dev/null "$base/"; do
  if ! alive "$server_pid" || [ "$SECONDS" -ge "$deadline" ]; then
    echo "fresh clone: make run did not serve $base/ (log below)" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 2
done
echo "fresh clone: first page after ${SECONDS}s"
# The index and the clusters are built in the background while the server already serves: wait for the index.
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/recommendations/?seed_tracks=$track_id")" = 200 ]; do
  if ! alive "$server_pid" || [ "$SECONDS" -ge "$deadline" ]; then
    echo "fresh clone: no index was built in the background (log and var/setup.log below)" >&2
    tail -n 40 "$log" "$work/songrec/var/setup.log" >&2
    exit 1
  fi
  sleep 2
done
echo "fresh clone: recommendations after ${SECONDS}s"
# The hot reads are hand-written SQL with a SQLite variant (songrec/sql.py): the demo's database runs each one here.
for path in / "/tracks/$track_id/" "/api/tracks/$track_id/similar/" "/api/tracks/?q=Comedy%20Gen%20Hoshino" \
    "/api/recommendations/?seed_tracks=$track_id" "/?q=Comedy"; do
  status="$(curl -s -o /dev/null -w '%{http_code}' "$base$path")"
  echo "fresh clone: GET $path -> $status"
  [ "$status" = 200 ] || { tail -n 40 "$log" >&2; exit 1; }
done
# and they find something: the searched track, and tracks to recommend
curl -fs "$base/api/tracks/?q=Comedy%20Gen%20Hoshino" | grep -q "\"$track_id\"" \
  || { echo "fresh clone: the search API did not find $track_id" >&2; exit 1; }
curl -fs "$base/api/recommendations/?seed_tracks=$track_id" | grep -q '"rank":1,' \
  || { echo "fresh clone: no recommendations for $track_id" >&2; exit 1; }

kill -TERM -- "-$server_pid"
for _ in $(seq 1 20); do alive "$server_pid" || break; sleep 0.5; done
if alive "$server_pid" || curl -fsS -o /dev/null "$base/" 2>/dev/null; then
  echo "fresh clone: make run did not stop on SIGTERM" >&2
  exit 1
fi
wait "$server_pid" 2>/dev/null || true
server_pid=""
sleep 1
for proc in /proc/[0-9]*; do  # the background build stops with the server
  if [ "$(readlink "$proc/cwd" 2>/dev/null)" = "$work/songrec" ]; then
    echo "fresh clone: a process of make run outlived it: $(tr '\0' ' ' < "$proc/cmdline")" >&2
    exit 1
  fi
done
echo "fresh clone: make run served and stopped cleanly ($(grep -m1 '^Imported' "$log" || echo 'import line missing'))"
