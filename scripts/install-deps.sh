#!/usr/bin/env bash
# Installs rewardlab's build and test dependencies from Debian 12 packages. Safe to run twice:
# it only calls apt-get when a package is missing.
set -euo pipefail

packages=(
  cmake g++ ninja-build pkg-config
  libmujoco-dev libqhull-dev libeigen3-dev libyaml-cpp-dev libhdf5-dev hdf5-tools catch2
  libcli11-dev nlohmann-json3-dev libopenblas-dev
  libglfw3-dev libimgui-dev libstb-dev libgl-dev libegl-dev xvfb xauth ffmpeg
  python3-h5py python3-numpy python3-matplotlib
  slurmctld slurmd slurm-client munge
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
