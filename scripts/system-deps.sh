#!/usr/bin/env bash
# Install the Debian packages eventsys needs, only those missing. Run by `make setup`.
#   chromium              real-browser tests (Playwright drives Debian's browser)
#   libicu-dev pkg-config build PyICU (Thai dictionary order); there is no wheel
#   fonts-thai-tlwg       Thai fallback fonts for PDFs and the browser
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  WeasyPrint's text layout (Thai shaping)
#   poppler-utils         pdftotext/pdffonts/pdftoppm, used by the PDF and QR tests
#   redis-server          local Redis for tests that need one when none is running
set -euo pipefail
PACKAGES=(chromium libicu-dev pkg-config fonts-thai-tlwg libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 poppler-utils redis-server)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "system-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
