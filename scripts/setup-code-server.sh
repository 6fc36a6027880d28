#!/usr/bin/env bash
# Installs code-server (VS Code's server + web workbench) into a cache folder outside the repo, for the
# in-VS-Code test tier and the demo. Idempotent: a fast no-op once the pinned version is installed.
# code-server 4.100.3 is the newest release that installs on Node 20 (it bundles VS Code 1.100.3).
set -euo pipefail

VERSION=4.100.3
RIPGREP_VERSION=1.15.11 # the @vscode/ripgrep version code-server bundles
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CACHE_ROOT="${LAMBDA_LAYERS_CACHE:-$HOME/.cache/lambda-layers}"
DEST="$CACHE_ROOT/code-server"
BIN="$DEST/node_modules/.bin/code-server"
STAMP="$DEST/.installed-$VERSION"

if [[ -f "$STAMP" && -x "$BIN" ]]; then
  echo "code-server $VERSION already installed: $BIN"
  exit 0
fi

for header in /usr/include/gssapi/gssapi.h /usr/include/gssapi.h; do
  [[ -f "$header" ]] && found_krb=1
done
if [[ -z "${found_krb:-}" ]]; then
  echo "code-server needs the Debian package libkrb5-dev (apt-get install -y libkrb5-dev)." >&2
  exit 1
fi

mkdir -p "$DEST"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here; it first looks in this
# cache, so seed it with the same binary from the npm package @vscode/ripgrep-linux-x64.
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_VERSION"
if [[ ! -f "$rg_cache/$RG_ASSET" ]]; then
  echo "Preparing the ripgrep cache from @vscode/ripgrep-linux-x64"
  (cd "$work" && npm pack --silent @vscode/ripgrep-linux-x64 >/dev/null)
  tar -xzf "$work"/vscode-ripgrep-linux-x64-*.tgz -C "$work"
  chmod +x "$work/package/bin/rg"
  mkdir -p "$rg_cache"
  tar -czf "$rg_cache/$RG_ASSET.partial" -C "$work/package/bin" rg
  mv "$rg_cache/$RG_ASSET.partial" "$rg_cache/$RG_ASSET"
fi

echo "Installing code-server@$VERSION into $DEST (takes about a minute)"
[[ -f "$DEST/package.json" ]] || echo '{"name":"lambda-layers-code-server","private":true}' > "$DEST/package.json"
# As root npm needs --unsafe-perm; a postinstall runs `npx node-gyp`, which must not prompt.
(cd "$DEST" && npm_config_yes=true npm install --no-audit --no-fund "code-server@$VERSION" --unsafe-perm=true)
# The postinstall installs VS Code's own dependencies and links node_modules.asar; check it really ran.
if [[ ! -e "$DEST/node_modules/code-server/lib/vscode/node_modules.asar" ]]; then
  echo "code-server's postinstall did not run (are npm install scripts disabled?)." >&2
  exit 1
fi
"$BIN" --version >/dev/null
touch "$STAMP"
echo "code-server $VERSION installed: $BIN"
