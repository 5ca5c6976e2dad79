#!/usr/bin/env bash
# Installs what `make serve` and `make test` need and skips what is already
# present at the right version. One line per step; on failure, names the step.
#
#   rust targets + components, Trunk, wasm-bindgen-cli, Chromium + ChromeDriver
#   and CJK fonts (Debian packages), npm dev tools (Playwright, binaryen's wasm-opt).
#
# A cold run takes ~13-15 min on 2 cores (mostly compiling Trunk); a warm run
# takes a second or two.
set -Eeuo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFTLAB_ROOT"

STEP="start"
trap 'rc=$?; echo "[setup] FAILED while: ${STEP} (exit ${rc}); see the output above." >&2; exit ${rc}' ERR

say() { echo "[setup] $*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "[setup] FAILED: '$1' is not on PATH. $2" >&2; exit 1; }; }
# Installs Debian packages, as root or through sudo, and says how long it took.
apt_install() {
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    need sudo "Installing $* needs root; run as root or install sudo."
    sudo="sudo"
  fi
  timed bash -c "$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $*"
}
# Runs an install command, then prints how long it took.
timed() {
  local started=$SECONDS
  "$@"
  say "  ... done in $((SECONDS - started)) s"
}

STEP="checking the base tools (cargo, rustup, node, npm, python3)"
need cargo "Install Rust with rustup: https://rustup.rs"
need rustup "Install Rust with rustup: https://rustup.rs"
need node "Install Node.js 20 or newer."
need npm "Install npm (comes with Node.js)."
need python3 "Install Python 3 (the e2e tests serve dist/ with python3 -m http.server)."
say "cargo, node $(node --version), npm $(npm --version), $(python3 --version) ... present"

STEP="rustfmt and clippy components"
if cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1; then
  say "rustfmt + clippy ... already installed"
else
  say "rustfmt + clippy ... installing"
  timed rustup component add rustfmt clippy
fi

STEP="rustup target add wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target ... already installed"
else
  say "wasm32-unknown-unknown target ... installing (~30 s)"
  timed rustup target add wasm32-unknown-unknown
fi

STEP="cargo install trunk --version ${TRUNK_VERSION} --locked"
if [[ "$(tool_version trunk)" == "trunk ${TRUNK_VERSION}" ]]; then
  say "trunk ${TRUNK_VERSION} ... already installed"
else
  say "trunk ${TRUNK_VERSION} ... installing (~10 min; found: '$(tool_version trunk)')"
  timed cargo install trunk --version "${TRUNK_VERSION}" --locked
fi

STEP="reading the wasm-bindgen version from Cargo.lock"
WBG_VERSION="$(wasm_bindgen_lock_version)"
[[ -n "$WBG_VERSION" ]] || { echo "[setup] FAILED: no wasm-bindgen package in Cargo.lock" >&2; exit 1; }
STEP="checking Trunk.toml's [tools] wasm_bindgen against Cargo.lock (${WBG_VERSION})"
if ! grep -qx "wasm_bindgen = \"${WBG_VERSION}\"" Trunk.toml; then
  echo "[setup] FAILED: Trunk.toml [tools] wasm_bindgen must be \"${WBG_VERSION}\" (the version in Cargo.lock)." >&2
  exit 1
fi

# wasm-bindgen-cli's own lock file pins a crate version crates.io no longer
# has, so it is installed without --locked.
STEP="cargo install wasm-bindgen-cli --version ${WBG_VERSION}"
if [[ "$(tool_version wasm-bindgen)" == "wasm-bindgen ${WBG_VERSION}" \
   && "$(tool_version wasm-bindgen-test-runner)" == *"${WBG_VERSION}"* ]]; then
  say "wasm-bindgen-cli ${WBG_VERSION} ... already installed"
else
  say "wasm-bindgen-cli ${WBG_VERSION} ... installing (~3 min; found: '$(tool_version wasm-bindgen)')"
  timed cargo install wasm-bindgen-cli --version "${WBG_VERSION}"
fi

STEP="apt-get install chromium chromium-driver"
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  say "chromium + chromedriver ... already installed ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
else
  say "chromium + chromedriver ... installing from Debian packages (~1 min)"
  apt_install chromium chromium-driver
fi

# CJK fonts, so the Chinese page is tested (and screenshotted) as Chinese
# readers see it; without them Chromium draws boxes and lays the page out
# differently.
STEP="apt-get install fonts-noto-cjk"
if dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"; then
  say "fonts-noto-cjk ... already installed"
else
  say "fonts-noto-cjk ... installing from Debian packages (~1 min)"
  apt_install fonts-noto-cjk
fi

# npm dev tools in web/. The lock file's hash is stamped into node_modules so a
# warm run skips npm entirely; browsers come from Debian, never downloaded.
STEP="npm ci in web/ (Playwright, binaryen)"
LOCK_SHA="$(sha256sum web/package-lock.json | cut -d' ' -f1)"
STAMP="web/node_modules/.raftlab-lock-sha256"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$LOCK_SHA" ]]; then
  say "npm dev tools (web/package-lock.json) ... already installed"
else
  say "npm dev tools (web/package-lock.json) ... installing (~10 s)"
  timed bash -c 'cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund'
  echo "$LOCK_SHA" >"$STAMP"
fi

STEP="checking wasm-opt is binaryen ${WASM_OPT_MAJOR} (Debian's binaryen corrupts wasm-bindgen output)"
WASM_OPT_FOUND="$(command -v wasm-opt || true)"
if [[ "$(tool_version wasm-opt)" != "wasm-opt version ${WASM_OPT_MAJOR} "* ]]; then
  echo "[setup] FAILED: wasm-opt on PATH is '${WASM_OPT_FOUND}' ('$(tool_version wasm-opt)'), need version ${WASM_OPT_MAJOR} from web/node_modules/.bin." >&2
  exit 1
fi
say "wasm-opt ... $(tool_version wasm-opt) at ${WASM_OPT_FOUND#"$RAFTLAB_ROOT"/}"
say "ready."
