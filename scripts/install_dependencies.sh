#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those missing.
#   scripts/install_dependencies.sh            build + run + tests
#   scripts/install_dependencies.sh --bench    also PyTorch and DOLFINx, the benchmarks' peers
set -euo pipefail
packages=(build-essential cmake ccache libdeal.ii-dev libgtest-dev nlohmann-json3-dev openmpi-bin
          python3 python3-matplotlib python3-numpy
          paraview python3-paraview xvfb xauth ffmpeg)  # scripts/render_fields.py
if [ "${1:-}" = "--bench" ]; then
  packages+=(python3-torch python3-dolfinx)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "All Debian packages present."
  exit 0
fi
echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
