#!/usr/bin/env bash
# Build Commission's front-end assets into commission/static/:
#   app.css                          GOV.UK Frontend + app styles (assets/app.scss), no GDS Transport
#   govuk/govuk-frontend.min.js      GOV.UK Frontend's JavaScript
#   govuk/assets/                    GOV.UK Frontend's assets, minus GOV.UK's branding (see below)
# Idempotent and quick when nothing changed: `npm ci` runs only when package-lock.json
# differs from the one node_modules was installed from.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "build-assets: npm and node are required but were not found on PATH." >&2
  echo "build-assets: install Node.js 20 (Debian: apt-get install -y nodejs npm) and re-run." >&2
  exit 1
fi

stamp=node_modules/.commission-install-stamp
if [[ -f package-lock.json ]]; then
  if [[ -d node_modules && -f "$stamp" ]] && cmp -s package-lock.json "$stamp"; then
    :  # node_modules matches the lock file
  else
    echo "build-assets: npm ci" >&2
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
else
  echo "build-assets: no package-lock.json, running npm install" >&2
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

govuk=node_modules/govuk-frontend/dist/govuk
out=commission/static
mkdir -p "$out/govuk"

# Recompile only when the Sass or the installed packages changed.
if [[ ! -s "$out/app.css" || assets/app.scss -nt "$out/app.css" || "$stamp" -nt "$out/app.css" ]] \
   || [[ -n "$(find assets -name '*.scss' -newer "$out/app.css" -print -quit)" ]]; then
  echo "build-assets: sass assets/app.scss -> $out/app.css" >&2
  npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
    assets/app.scss "$out/app.css.tmp"
  mv "$out/app.css.tmp" "$out/app.css"
fi

if grep -q "GDS Transport" "$out/app.css"; then
  echo "build-assets: $out/app.css mentions GDS Transport; check \$govuk-font-family in assets/app.scss" >&2
  exit 1
fi

cp "$govuk/govuk-frontend.min.js" "$out/govuk/govuk-frontend.min.js"

# GOV.UK Frontend's assets folder is almost all GOV.UK branding: the GDS Transport
# font files, the crown favicons/icons, the crest, the GOV.UK Open Graph image and
# a manifest pointing at the crown icons. None of that is ours to use, so copy the
# folder without those files (the templates override headIcons and use no fonts).
rm -rf "$out/govuk/assets"
mkdir -p "$out/govuk/assets"
(
  cd "$govuk/assets"
  find . -type f \
    ! -path './fonts/*' \
    ! -name 'favicon*' ! -name 'govuk-*' ! -name 'manifest.json' \
    -print0
) | while IFS= read -r -d '' f; do
  mkdir -p "$out/govuk/assets/$(dirname "$f")"
  cp "$govuk/assets/$f" "$out/govuk/assets/$f"
done

echo "build-assets: done ($out/app.css, $out/govuk/)" >&2
