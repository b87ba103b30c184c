#!/usr/bin/env bash
# Browser tests: installs what they need (Debian's Chromium, playwright-core),
# builds the default handbook in release mode, and runs the node test files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

# Chromium, and poppler-utils for pdftotext (the binder test reads the
# printed PDF's pages).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "browser tests: installing Debian's ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/ajv" ] || [ ! -d "$here/node_modules/yaml" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  echo "browser tests: installing playwright-core, ajv, yaml and axe-core" >&2
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi

out="$here/out"
rm -rf "$out"
mkdir -p "$out"
(cd "$repo" && cargo build --release --quiet)
bin="${CARGO_TARGET_DIR:-$repo/target}/release/irbook"
# The default handbook, as a user gets it with no content folder of their own.
(cd "$out" && "$bin" build "$repo/content" -o "$out/site" --quiet)

export IRBOOK_SITE="$out/site"
export IRBOOK_BIN="$bin"
export IRBOOK_OUT="$out"
cd "$here"
node --test --test-concurrency=1 ${IRBOOK_BROWSER_TESTS:-*.test.js}
