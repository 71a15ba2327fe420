#!/usr/bin/env bash
# Finds the pulumi CLI, or builds it from Go modules when it is missing.
#
# The official installer downloads a binary from the internet, which these machines cannot reach;
# the CLI and its Node language host are Go modules, so we build them. The result lives in a cache
# outside the clone, so fresh clones (CI) reuse it.
#
# Progress goes to stderr. The last line of stdout is the absolute path of the pulumi executable;
# pulumi-language-nodejs and pulumi-resource-pulumi-nodejs stand next to it.
set -euo pipefail

# The one place the CLI version is pinned.
PULUMI_VERSION="3.274.1"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vultr-user-access/${PULUMI_VERSION}"
bin_dir="${cache_dir}/bin"

# The engine starts dynamic providers through this small script shipped at the root of the
# @pulumi/pulumi npm package; it must be executable and next to the CLI (or on PATH).
install_resource_plugin() {
  local dest="$1/pulumi-resource-pulumi-nodejs"
  [ -x "$dest" ] && return 0
  local src
  src="$(cd "$project_root" && node -p "require('path').join(require('path').dirname(require.resolve('@pulumi/pulumi/package.json')), 'pulumi-resource-pulumi-nodejs')" 2>/dev/null || true)"
  if [ -z "$src" ] || [ ! -f "$src" ]; then
    log "cannot find pulumi-resource-pulumi-nodejs in @pulumi/pulumi: run 'npm install' first"
    return 1
  fi
  cp "$src" "$dest"
  chmod +x "$dest"
}

if command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  log "using pulumi on PATH: $(command -v pulumi)"
  command -v pulumi
  exit 0
fi

if [ -x "${bin_dir}/pulumi" ] && [ -x "${bin_dir}/pulumi-language-nodejs" ]; then
  install_resource_plugin "$bin_dir"
  log "using cached pulumi ${PULUMI_VERSION}: ${bin_dir}/pulumi"
  echo "${bin_dir}/pulumi"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  log "the pulumi CLI is not installed and Go is not available to build it."
  log "Install Pulumi (https://www.pulumi.com/docs/install/) so that 'pulumi' and"
  log "'pulumi-language-nodejs' are on PATH, or install Go >= 1.25 and run this script again."
  exit 1
fi

log "building pulumi ${PULUMI_VERSION} from Go modules (the first time takes several minutes)"
work="${cache_dir}/build"
rm -rf "$work"
mkdir -p "$work" "$bin_dir"
cd "$work"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

go mod init pulumi-cli-build >&2 2>&1
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
)
GO

# The language host module has no tags: pin it to the commit of the same release.
release_commit="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v${PULUMI_VERSION}" \
  | sed -n 's/.*"Hash": *"\([0-9a-f]\{40\}\)".*/\1/p' | head -n 1)"
if [ -z "$release_commit" ]; then
  log "could not find the commit of pulumi v${PULUMI_VERSION} through the Go module proxy"
  exit 1
fi
log "release commit ${release_commit}"
go get "github.com/pulumi/pulumi/pkg/v3@v${PULUMI_VERSION}" >&2
go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@${release_commit}" >&2
go mod tidy >&2

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}"
log "compiling pulumi"
go build -ldflags "$ldflags" -o "${bin_dir}/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
log "compiling pulumi-language-nodejs"
go build -ldflags "$ldflags" -o "${bin_dir}/pulumi-language-nodejs.tmp" \
  github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2
mv "${bin_dir}/pulumi-language-nodejs.tmp" "${bin_dir}/pulumi-language-nodejs"
mv "${bin_dir}/pulumi.tmp" "${bin_dir}/pulumi"
install_resource_plugin "$bin_dir" || true
log "built $("${bin_dir}/pulumi" version)"
echo "${bin_dir}/pulumi"
