# Sourced by the other scripts: repo root, PATH, versions, small helpers.
# shellcheck shell=bash

RAFTLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RAFTLAB_ROOT

# Versions. Trunk 0.22 needs a newer rustc than 1.95, so stay on 0.21.
TRUNK_VERSION="0.21.14"
WASM_OPT_MAJOR="132"

# cargo-installed tools, and wasm-opt (npm binaryen) where Trunk looks for it.
export PATH="$HOME/.cargo/bin:$RAFTLAB_ROOT/web/node_modules/.bin:$PATH"

# The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
wasm_bindgen_lock_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$RAFTLAB_ROOT/Cargo.lock"
}

# The first line a command prints for --version, or nothing when it is missing.
tool_version() {
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | head -n 1 || true
}
