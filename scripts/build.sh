#!/usr/bin/env bash
# Installs missing packages and builds everything (Release) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_dependencies.sh "$@"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
