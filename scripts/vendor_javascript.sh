#!/usr/bin/env bash
# Copies the browser builds of Vega, Vega-Lite, Vega-Embed and Swagger UI into the dashboard's
# static folder, so the pages draw charts (and /docs its API page) without any network. Run by a developer when the pinned
# versions change; the copied files are committed. Needs npm (and node, which npm brings).
#
# The versions follow altair's Vega-Lite schema (`python -c "import altair;
# print(altair.SCHEMA_VERSION)"` gives v6.4.1 for altair 6.3): Vega-Lite 6.4.1, the Vega it
# is built against (vega-cli ^6.2.0 in its devDependencies) and the Vega-Embed it names
# (^7.0.2). Each tarball is checked against its pinned sha512 integrity before use.
set -euo pipefail
cd "$(dirname "$0")/.."

destination="src/govindex/web/static/vendor"

# package  version  file-in-package  sha512 integrity of the npm tarball
packages=(
  "vega 6.2.0 build/vega.min.js sha512-BIwalIcEGysJdQDjeVUmMWB3e50jPDNAMfLJscjEvpunU9bSt7X1OYnQxkg3uBwuRRI4nWfFZO9uIW910nLeGw=="
  "vega-lite 6.4.1 build/vega-lite.min.js sha512-KO3ybHNouRK4A0al/+2fN9UqgTEfxrd/ntGLY933Hg5UOYotDVQdshR3zn7OfXwQ7uj0W96Vfa5R+QxO8am3IQ=="
  "vega-embed 7.0.2 build/vega-embed.min.js sha512-ZHQPWSs9mUTGJPZ5yQVhHV+OLDCoTIjR//De93vG6igZX1MQCVo03ePWlfWCUAnPV1IsKfeJLqA3K/Qd11bAFQ=="
  # Swagger UI for the offline API documentation page (/docs).
  "swagger-ui-dist 5.35.0 swagger-ui-bundle.js sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="
  "swagger-ui-dist 5.35.0 swagger-ui.css sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="
)

command -v npm >/dev/null 2>&1 || { echo "vendor_javascript: npm is not installed" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$destination"

versions="$destination/VERSIONS.txt"
{
  echo "# Vendored browser builds, written by scripts/vendor_javascript.sh; do not edit by hand."
  echo "# package version file integrity-of-npm-tarball"
} >"$versions"

for entry in "${packages[@]}"; do
  read -r name version file integrity <<<"$entry"
  tarball="$work/$name-$version.tgz"
  [ -e "$tarball" ] || (cd "$work" && npm pack "$name@$version" --silent >/dev/null)
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "vendor_javascript: $name@$version has integrity $actual, expected $integrity" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar -xzf "$tarball" -C "$work/$name" "package/$file" package/LICENSE
  cp "$work/$name/package/$file" "$destination/$(basename "$file")"
  cp "$work/$name/package/LICENSE" "$destination/LICENSE-$name.txt"
  echo "$name $version $(basename "$file") $integrity" >>"$versions"
done

ls -l "$destination"
