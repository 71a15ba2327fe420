#!/usr/bin/env bash
# Finds the pulumi CLI, or builds it from Go modules when it is missing.
#
# The official installer downloads a binary from the internet, which these machines cannot reach;
# the CLI and its Node language host are Go modules, so we build them through the Go module proxy.
# The result lives in a cache outside the clone, so fresh clones (CI) reuse it:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vultr-user-access/<version>/bin
#
# Progress goes to stderr. The last line of stdout is the absolute path of the pulumi executable;
# pulumi-language-nodejs and pulumi-resource-pulumi-nodejs stand next to it, and so do the YAML and
# Python language hosts (pulumi-language-yaml, pulumi-language-python with its
# pulumi-language-python-exec shim) and the Go one (pulumi-language-go), so one PATH entry serves programs in every language we test. A build prints one
# line per phase with the time since it started, and while a phase runs at most one line every
# PROGRESS_EVERY seconds; the Go tool's own output (hundreds of lines of module downloads) goes
# to ${cache_dir}/build.log, whose path is printed, and whose tail is shown only when the build
# fails.
#
# Running it again is cheap: it only checks the cache (and refreshes the copy of
# pulumi-resource-pulumi-nodejs when the npm package changed).
set -euo pipefail

# The one place the CLI version is pinned.
PULUMI_VERSION="3.274.1"

# Where the Node language host comes from. Since mid-2023 it is its own Go module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which has no tags, and the
# Go module proxy these machines use refuses to serve it. Up to sdk/v3 v3.68.0 it was a package
# inside github.com/pulumi/pulumi/sdk/v3, which the proxy does serve, so we build it from there.
# The engine <-> language host gRPC protocol is backwards compatible: the engine falls back for the
# calls this host does not implement, and the host runs the @pulumi/pulumi that the project has
# installed (node_modules/@pulumi/pulumi/cmd/run). It is stamped with the CLI version above.
# Not supported by this older host: the `runtime.options` of Pulumi.yaml, and program-side
# stack transforms / resource hooks (the project uses neither).
LANGUAGE_HOST_SDK_VERSION="3.68.0"

# The YAML language host: its own tagged module, served by the proxy. It requires an older
# github.com/pulumi/pulumi/pkg/v3 than the CLI, so it gets its own wrapper module too.
YAML_HOST_VERSION="1.25.0"
# The Python language host is, like the Node one, a package of github.com/pulumi/pulumi/sdk/v3 up
# to v3.79.0; we take it from the same release as the Node host. It runs programs through the
# pulumi-language-python-exec script shipped next to it in that module, which must stand next to
# it (or on PATH) and be executable. Python comes from PATH (python3), from PULUMI_PYTHON_CMD, or
# from the virtualenv the project names in Pulumi.yaml.
PYTHON_HOST_SDK_VERSION="${LANGUAGE_HOST_SDK_VERSION}"
# The Go language host: its own untagged module since v3.67 (github.com/pulumi/pulumi/sdk/go/
# pulumi-language-go/v3), which the proxy refuses (403) at every version; the last copy inside
# sdk/v3 is v3.66.0. It builds the program with the Go on PATH, against the sdk/v3 the program's
# own go.mod requires.
GO_HOST_SDK_VERSION="3.66.0"

# Seconds between two progress lines while one phase runs (the issue allows one every 15 s).
PROGRESS_EVERY=30
# Lines of the build log shown when the build fails.
LOG_TAIL_LINES=40

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vultr-user-access/${PULUMI_VERSION}"
bin_dir="${cache_dir}/bin"

# The engine starts dynamic providers through this small script shipped at the root of the
# @pulumi/pulumi npm package; it must be executable and next to the CLI (or on PATH).
# Returns 1 (after a warning) when @pulumi/pulumi is not installed yet.
install_resource_plugin() {
  local dest="$1/pulumi-resource-pulumi-nodejs"
  local src="${project_root}/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -f "$src" ] && command -v node >/dev/null 2>&1; then
    src="$(cd "$project_root" && node -p "require('path').join(require('path').dirname(require.resolve('@pulumi/pulumi/package.json')), 'pulumi-resource-pulumi-nodejs')" 2>/dev/null || true)"
  fi
  if [ -z "$src" ] || [ ! -f "$src" ]; then
    if [ -x "$dest" ]; then
      return 0
    fi
    log "warning: @pulumi/pulumi is not installed in ${project_root}, so pulumi-resource-pulumi-nodejs"
    log "warning: (needed by dynamic providers) is missing; run 'npm install' and then this script again."
    return 1
  fi
  if [ -x "$dest" ] && cmp -s "$src" "$dest"; then
    return 0
  fi
  cp "$src" "${dest}.tmp.$$"
  chmod +x "${dest}.tmp.$$"
  mv -f "${dest}.tmp.$$" "$dest"
  log "installed ${dest} (from ${src})"
}

# Every executable a complete cache holds. A cache from before the YAML and Python hosts has only
# the first two; then only the missing ones are built.
CACHED_BINARIES=(pulumi pulumi-language-nodejs pulumi-language-yaml pulumi-language-python
  pulumi-language-python-exec pulumi-language-go)

have_cli_build() {
  [ -x "${bin_dir}/pulumi" ] && [ -x "${bin_dir}/pulumi-language-nodejs" ]
}

have_cached_build() {
  local name
  for name in "${CACHED_BINARIES[@]}"; do
    [ -x "${bin_dir}/${name}" ] || return 1
  done
}

use_cached_build() {
  install_resource_plugin "$bin_dir" || true
  log "using cached pulumi ${PULUMI_VERSION}: ${bin_dir}/pulumi"
  echo "${bin_dir}/pulumi"
  exit 0
}

# 1. An installed Pulumi (official installer, package manager, ...) wins (it brings its own
#    language hosts). If what is on PATH is our
#    own cache (the caller put it there), go through the cache path so the plugin copy stays fresh.
if command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  found="$(command -v pulumi)"
  case "$found" in
    /*) ;;
    *) found="$(cd "$(dirname "$found")" && pwd)/$(basename "$found")" ;;
  esac
  if [ "$(cd "$(dirname "$found")" && pwd -P)" != "$(cd "$bin_dir" 2>/dev/null && pwd -P || true)" ]; then
    log "using pulumi on PATH: ${found}"
    echo "$found"
    exit 0
  fi
fi

# 2. A previous build.
if have_cached_build; then
  use_cached_build
fi

# 3. Build it.
if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  log "the pulumi CLI is not installed and Go is not available to build it."
  log "Install Pulumi (https://www.pulumi.com/docs/install/, e.g. 'curl -fsSL https://get.pulumi.com | sh')"
  log "so that 'pulumi' and 'pulumi-language-nodejs' are on PATH, or install Go >= 1.26.6"
  log "(https://go.dev/dl/) and run this script again to build pulumi ${PULUMI_VERSION}."
  exit 1
fi

mkdir -p "$bin_dir"
# Only one build at a time; whoever waited finds the finished build.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${cache_dir}/.build.lock"
  if ! flock -n 9; then
    log "another process is building pulumi ${PULUMI_VERSION} into ${cache_dir}; waiting for it"
    flock 9
  fi
  if have_cached_build; then
    use_cached_build
  fi
fi

work="$(mktemp -d "${cache_dir}/build.XXXXXX")"
build_log="${cache_dir}/build.log"
: >"$build_log"
go_pid=""
cleanup() {
  if [ -n "$go_pid" ]; then kill "$go_pid" 2>/dev/null || true; fi
  rm -rf "$work" "${bin_dir}"/*.tmp.$$
}
trap cleanup EXIT

export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED="${CGO_ENABLED:-0}"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}"

started=$SECONDS
elapsed() {
  local s=$((SECONDS - started))
  printf '%d:%02d' $((s / 60)) $((s % 60))
}

# phase <description> <dir> <command...>: runs the command in <dir> with its output appended to
# the build log. Says what it does when it starts, and again every PROGRESS_EVERY seconds while
# it runs (a compile takes minutes with no sign of life otherwise). Returns the command's status.
phase() {
  local what="$1" dir="$2"
  shift 2
  log "building pulumi v${PULUMI_VERSION}: ${what}… ($(elapsed))"
  printf '\n== %s (%s): %s\n' "$what" "$(elapsed)" "$*" >>"$build_log"
  (cd "$dir" && exec "$@") >>"$build_log" 2>&1 &
  go_pid=$!
  local next=$((SECONDS + PROGRESS_EVERY))
  while kill -0 "$go_pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ] && kill -0 "$go_pid" 2>/dev/null; then
      log "building pulumi v${PULUMI_VERSION}: ${what}… ($(elapsed))"
      next=$((SECONDS + PROGRESS_EVERY))
    fi
  done
  local status=0
  wait "$go_pid" || status=$?
  go_pid=""
  return "$status"
}

# What the user sees when a phase fails: the end of the Go output, and where the rest is.
build_failed() {
  log "building pulumi v${PULUMI_VERSION}: $1 failed after $(elapsed). The last ${LOG_TAIL_LINES} lines of ${build_log}:"
  tail -n "$LOG_TAIL_LINES" "$build_log" | sed 's/^/    /' >&2
  log "The whole Go output is in ${build_log}."
  log "It needs the Go module proxy (GOPROXY=$(go env GOPROXY)) and Go >= 1.26.6 (found $(go env GOVERSION))."
  exit 1
}

# build <wrapper module dir> <package@version> <output name> <what the modules are for>
# Each binary gets its own throwaway wrapper module: the two need different versions of
# github.com/pulumi/pulumi/sdk/v3, which one build list cannot hold.
build() {
  local dir="$1" pkg_at_version="$2" out="$3" modules_for="$4" pkg="${2%@*}"
  mkdir -p "$dir"
  (cd "$dir" && go mod init "$(basename "$dir")") >>"$build_log" 2>&1 ||
    build_failed "creating the wrapper module for ${out}"
  phase "resolving ${modules_for} modules" "$dir" go get "$pkg_at_version" ||
    build_failed "resolving ${pkg_at_version}"
  phase "compiling ${out}" "$dir" \
    go build -ldflags "$ldflags" -o "${bin_dir}/${out}.tmp.$$" "$pkg" ||
    build_failed "compiling ${out}"
}

# The Python host's exec shim, a file of the module cache (read-only there): copied next to it.
install_python_exec() {
  local src
  src="$(cd "${work}/pulumi-language-python" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec"
  cp "$src" "${bin_dir}/pulumi-language-python-exec.tmp.$$"
  chmod 755 "${bin_dir}/pulumi-language-python-exec.tmp.$$"
}

log "building pulumi v${PULUMI_VERSION} from Go modules (the first time takes several minutes);"
log "the Go output goes to ${build_log}"
built=()
if have_cli_build; then
  log "pulumi and pulumi-language-nodejs are cached; building only the missing language hosts"
else
  build "${work}/pulumi-cli" "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v${PULUMI_VERSION}" \
    pulumi "the CLI's"
  build "${work}/pulumi-language-nodejs" \
    "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@v${LANGUAGE_HOST_SDK_VERSION}" \
    pulumi-language-nodejs "the Node language host's"
  built_version="$("${bin_dir}/pulumi.tmp.$$" version)"
  if [ "$built_version" != "v${PULUMI_VERSION}" ]; then
    log "the built CLI reports version '${built_version}', expected v${PULUMI_VERSION}"
    exit 1
  fi
  built+=(pulumi-language-nodejs)
fi
if [ ! -x "${bin_dir}/pulumi-language-yaml" ]; then
  build "${work}/pulumi-language-yaml" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v${YAML_HOST_VERSION}" \
    pulumi-language-yaml "the YAML language host's"
  built+=(pulumi-language-yaml)
fi
if [ ! -x "${bin_dir}/pulumi-language-python" ] || [ ! -x "${bin_dir}/pulumi-language-python-exec" ]; then
  build "${work}/pulumi-language-python" \
    "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python@v${PYTHON_HOST_SDK_VERSION}" \
    pulumi-language-python "the Python language host's"
  install_python_exec
  built+=(pulumi-language-python pulumi-language-python-exec)
fi
if [ ! -x "${bin_dir}/pulumi-language-go" ]; then
  build "${work}/pulumi-language-go" \
    "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go@v${GO_HOST_SDK_VERSION}" \
    pulumi-language-go "the Go language host's"
  built+=(pulumi-language-go)
fi

# The CLI last: its presence (with the language hosts) marks a complete build.
for name in "${built[@]}"; do
  mv -f "${bin_dir}/${name}.tmp.$$" "${bin_dir}/${name}"
done
if [ -e "${bin_dir}/pulumi.tmp.$$" ]; then
  mv -f "${bin_dir}/pulumi.tmp.$$" "${bin_dir}/pulumi"
fi
install_resource_plugin "$bin_dir" || true
log "built ${built[*]}${built_version:+ and pulumi ${built_version}} in $(elapsed): ${bin_dir}"
echo "${bin_dir}/pulumi"
