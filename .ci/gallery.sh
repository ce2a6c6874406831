#!/usr/bin/env bash
# CI: the card gallery. Renders every card template in Spanish and English with the Adaptive
# Cards JavaScript renderer in Debian's headless Chromium (installed here when missing; no
# browser is ever downloaded) and fails on any renderer error. Writes docs/cards/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "== gallery: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

echo "== gallery"
npm run gallery --silent

# The screenshots are committed: say so when this run drew them differently (not a failure,
# since a newer Chromium may move a pixel).
if [ -d .git ] && [ -n "$(git status --porcelain -- docs/cards)" ]; then
  echo "note: docs/cards differs from the committed screenshots; run npm run gallery and commit"
fi
