#!/usr/bin/env bash
# Install the pinned browser libraries (package-lock.json, `npm ci`) and copy what the pages load
# into static/vendor/ (gitignored: built on every machine by `make install`, never committed,
# never a CDN). lightweight-charts' standalone build bundles fancy-canvas (MIT).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
out=../../static/vendor
mkdir -p "$out"
cp node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js \
  "$out/lightweight-charts.js"
cp node_modules/lightweight-charts/LICENSE "$out/lightweight-charts.LICENSE.txt"
echo "static/vendor: lightweight-charts $(node -p 'require("lightweight-charts/package.json").version')"
