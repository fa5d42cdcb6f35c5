#!/usr/bin/env bash
# One-time, idempotent machine setup: npm dependencies, ffmpeg, Redis for the queue tests, then a
# WebGPU adapter.
# Where Dawn finds no adapter on Debian bookworm (no GPU, and bookworm's Mesa 22 lavapipe lacks a
# feature Dawn requires), install Mesa 25's lavapipe from bookworm-backports, using the mirror that
# apt is already configured with.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/webgpu ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# ffmpeg reads video input (tadt track clip.mp4) and writes --video out.mp4. Debian's main suite, which
# apt already has, carries it. Elsewhere, or without root, say what to install: tracking frame folders
# and writing GIFs work without it, so this is not a failure.
ffmpeg_help="ffmpeg not found: video input and .mp4 output need ffmpeg 5.1 or later. Install it (Debian/Ubuntu:
apt-get install ffmpeg; Fedora: dnf install ffmpeg; macOS: brew install ffmpeg) or set TADT_FFMPEG to its path."
if [ -z "${TADT_FFMPEG:-}" ] && ! command -v ffmpeg >/dev/null; then
  if [ "$(id -u)" = 0 ] && [ -r /etc/os-release ] && grep -q '^ID=debian$' /etc/os-release; then
    echo "setup: installing Debian's ffmpeg (video input and .mp4 output)" >&2
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; }; then
      echo "setup: installing ffmpeg failed. $ffmpeg_help" >&2
    fi
  else
    echo "setup: $ffmpeg_help" >&2
  fi
fi

# --- Redis, for the queue tests (tadt track --queue, tadt worker) ---------------------------------
# Debian's redis-server, installed only when missing. The tests start their own server on a free
# loopback port, so a system service the package starts is stopped and disabled again. Without root
# or apt this only warns: the demo does not need Redis, and the queue tests say what to install.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
      systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
  else
    echo "setup: redis-server not found; the queue tests need it (Debian/Ubuntu: sudo apt-get install redis-server)." >&2
  fi
fi
# ---------------------------------------------------------------------------------------------------

# --- chromium: the browser of the web page's tests (headless WebGPU on its bundled SwiftShader) ---
# Debian's chromium >= 156 comes from bookworm-security, which apt normally has; installed only where
# missing, as root on Debian. Elsewhere it says what to install and goes on: only the browser tests
# need it, and they fail saying so.
ensure_chromium() {
  local binary=/usr/lib/chromium/chromium
  [ -x "$binary" ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ ! -r /etc/debian_version ]; then
    echo "setup: $binary is missing; the browser tests need Debian's chromium (>= 156): apt-get install chromium, as root." >&2
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  local candidate
  candidate=$(apt-cache policy chromium | awk '/Candidate:/ { print $2 }')
  case "$candidate" in
    ''|'(none)') echo "setup: apt has no chromium package; the browser tests need Debian's chromium (>= 156)." >&2; return 0 ;;
  esac
  if [ "${candidate%%.*}" -lt 156 ] 2>/dev/null; then
    echo "setup: apt offers chromium $candidate; the browser tests were made with 156 (bookworm-security)." >&2
  fi
  apt-get install -y -qq chromium >/dev/null
}
ensure_chromium
# --- end chromium ---

if node scripts/probe-adapter.mjs 2>/dev/null; then
  exit 0
fi

how_to="Install a Vulkan driver that Dawn accepts: a GPU driver, or Mesa >= 24's lavapipe
(Debian bookworm: libvulkan1 and mesa-vulkan-drivers from bookworm-backports), then re-run npm run setup."

if [ ! -r /etc/os-release ] || ! grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "setup: no WebGPU adapter found, and this is not Debian bookworm, so nothing is installed automatically." >&2
  echo "$how_to" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup: no WebGPU adapter found; installing Mesa from bookworm-backports needs root (run: sudo npm run setup)." >&2
  echo "$how_to" >&2
  exit 1
fi

# The Debian mirror apt already uses: the first URI serving the 'bookworm' suite, from deb822 or one-line sources.
mirror=$(awk '
  /^URIs:/ { uri = $2 }
  /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && uri != "") { print uri; exit } }
' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
fi
if [ -z "$mirror" ]; then
  echo "setup: could not find the Debian mirror in /etc/apt/sources.list*; $how_to" >&2
  exit 1
fi

backports=/etc/apt/sources.list.d/tadt-bookworm-backports.sources
if [ ! -f "$backports" ]; then
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  {
    echo "Types: deb"
    echo "URIs: $mirror"
    echo "Suites: bookworm-backports"
    echo "Components: main"
    [ -f "$keyring" ] && echo "Signed-By: $keyring"
  } > "$backports.tmp"
  mv "$backports.tmp" "$backports"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports libvulkan1 mesa-vulkan-drivers >/dev/null

if ! node scripts/probe-adapter.mjs; then
  echo "setup: Mesa from bookworm-backports is installed but Dawn still finds no adapter." >&2
  echo "$how_to" >&2
  exit 1
fi
