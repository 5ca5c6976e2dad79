#!/usr/bin/env bash
# Builds the page in release mode and serves it with live rebuilds on
# http://127.0.0.1:8080 (PORT=... to change). Ctrl-C stops it.
# Expects scripts/setup.sh to have run (`make serve` runs it first).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFTLAB_ROOT"

PORT="${PORT:-8080}"
URL="http://127.0.0.1:${PORT}"

if curl -s -o /dev/null "$URL/"; then
  echo "[serve] something already answers on $URL; stop it or pick another port: PORT=8090 make serve" >&2
  exit 1
fi

echo "[serve] building (first build ~1-2 min, rebuilds a few seconds) and serving on $URL ..."
trunk serve --release --port "$PORT" &
TRUNK_PID=$!
trap 'kill "$TRUNK_PID" 2>/dev/null || true; wait "$TRUNK_PID" 2>/dev/null || true' EXIT INT TERM

# Trunk answers only once the first build is done; wait for a wasm-loading page.
until curl -sf "$URL/" 2>/dev/null | grep -q '\.wasm'; do
  if ! kill -0 "$TRUNK_PID" 2>/dev/null; then
    wait "$TRUNK_PID" || rc=$?
    echo "[serve] trunk serve exited (code ${rc:-0}) before the page was ready; see above." >&2
    exit "${rc:-1}"
  fi
  sleep 1
done
echo
echo "Raftlab is ready at $URL"
echo
wait "$TRUNK_PID"
