#!/usr/bin/env bash
# Installs what the browser and interoperability tests (tests/Twofold.BrowserTests) use, so the test
# command works on a fresh machine: Debian's Chromium (+ ChromeDriver), zbarimg (zbar-tools) and
# oathtool, and the npm package otpauth in interop/. Idempotent: does nothing when all is present.
# Without root or apt-get it installs nothing; the tests that need a missing tool are then skipped
# with the reason (scripts/test.sh sets TWOFOLD_REQUIRE_BROWSER_TOOLS=1 so that nothing is skipped there).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
command -v oathtool >/dev/null || missing+=(oathtool)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "provision-browser: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be absent or stale on a fresh machine: install, and on failure update once and retry.
    if ! apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null
      apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  else
    echo "provision-browser: missing ${missing[*]} (not root: install them with apt-get)" >&2
  fi
fi

# The outside TOTP implementation, pinned by interop/package-lock.json ("npm ci" only when that changed).
if command -v npm >/dev/null; then
  if [ ! -f interop/node_modules/otpauth/package.json ] || [ interop/package-lock.json -nt interop/node_modules/.package-lock.json ]; then
    (cd interop && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
