#!/usr/bin/env bash
# Generates the Node.js, Python, Go and .NET SDKs of the vultraccess provider plugin from its
# package schema, with the code generators of github.com/pulumi/pulumi/pkg/v3 (tools/gen-sdk for
# Node.js, Python and Go on pkg/v3 v3.274.1; tools/gen-sdk-dotnet for .NET on v3.206.0, the last
# pkg/v3 that held the .NET generator).
#
#   scripts/build-sdks.sh [--schema <schema.json>] [--out <dir>]
#
# Defaults: provider/plugin/schema.json into sdks/ (sdks/nodejs, sdks/python, sdks/go,
# sdks/dotnet, each emptied first). The output depends only on the schema and the generators'
# sources: no timestamps, files written in sorted order.
#
# The two generator binaries are built with Go (through the module proxy) into a cache outside the
# clone, keyed by a hash of their sources and go.sum, so a rerun (or a fresh clone) builds nothing:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vultr-user-access/gen-sdk/<hash>/
# The Go tool's output goes to build.log there, shown only when a build fails.
set -euo pipefail

log() { printf 'build-sdks: %s\n' "$*" >&2; }

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
schema="${project_root}/provider/plugin/schema.json"
out="${project_root}/sdks"
while [ $# -gt 0 ]; do
  case "$1" in
    --schema) schema="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) log "unknown argument '$1' (usage: build-sdks.sh [--schema <schema.json>] [--out <dir>])"; exit 2 ;;
  esac
done
if [ ! -f "$schema" ]; then
  log "no schema at ${schema} (npm run build:plugin writes provider/plugin/schema.json)"
  exit 1
fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  log "Go (>= 1.25) is needed to build the SDK generators: https://go.dev/dl/"
  exit 1
fi

generators=(gen-sdk gen-sdk-dotnet)
# The cache key: every file of both generator modules (sources, go.mod, go.sum, the logo) and the
# Go version that compiles them.
key="$(
  cd "${project_root}/tools"
  {
    go env GOVERSION
    for g in "${generators[@]}"; do
      find "$g" -type f | LC_ALL=C sort | while read -r f; do sha256sum "$f"; done
    done
  } | sha256sum | cut -c1-16
)"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vultr-user-access/gen-sdk/${key}"
mkdir -p "$cache_dir"

export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED="${CGO_ENABLED:-0}"
build_log="${cache_dir}/build.log"
started=$SECONDS
for g in "${generators[@]}"; do
  if [ -x "${cache_dir}/${g}" ]; then continue; fi
  log "building ${g} (the first time takes a minute or more); the Go output goes to ${build_log}"
  step=$SECONDS
  if ! (cd "${project_root}/tools/${g}" && go build -trimpath -o "${cache_dir}/${g}.tmp.$$" .) >>"$build_log" 2>&1; then
    rm -f "${cache_dir}/${g}.tmp.$$"
    log "building ${g} failed. The end of ${build_log}:"
    tail -n 40 "$build_log" | sed 's/^/    /' >&2
    exit 1
  fi
  mv -f "${cache_dir}/${g}.tmp.$$" "${cache_dir}/${g}"
  log "built ${g} in $((SECONDS - step)) s: ${cache_dir}/${g}"
done

"${cache_dir}/gen-sdk" "$schema" "$out" nodejs python go >&2
"${cache_dir}/gen-sdk-dotnet" "$schema" "$out" >&2
log "SDKs from ${schema} written to ${out} in $((SECONDS - started)) s"
