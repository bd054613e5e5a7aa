#!/usr/bin/env bash
# Installs the real servers the integration tests start (Debian packages), when they are missing:
# Prometheus and promtool (package prometheus), the Pushgateway (package prometheus-pushgateway) and the Go
# toolchain (package golang-go) for the differential tests against Go's own parsers, and sprig (package
# golang-github-masterminds-sprig-dev, used in GOPATH mode) and go-yaml v2 (golang-gopkg-yaml.v2-dev, for Iter8's
# toYaml) for the Go template differential test, and the jq
# and gojq command lines (packages jq, gojq) for the jq differential test, and chromium (package chromium,
# driven by playwright-core, which never downloads a browser) for the dashboard's browser tests.
set -euo pipefail
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v promtool >/dev/null || missing+=(prometheus)
command -v prometheus-pushgateway >/dev/null || missing+=(prometheus-pushgateway)
command -v go >/dev/null || missing+=(golang-go)
command -v jq >/dev/null || missing+=(jq)
command -v gojq >/dev/null || missing+=(gojq)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || missing+=(golang-github-masterminds-sprig-dev)
[ -d /usr/share/gocode/src/gopkg.in/yaml.v2 ] || missing+=(golang-gopkg-yaml.v2-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "slokit tests need the Debian packages: $packages— install them with: sudo apt-get install -y $packages" >&2
  exit 1
fi
echo "installing test dependencies: $packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
