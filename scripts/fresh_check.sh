#!/usr/bin/env bash
# Runs the README's two commands on a fresh Debian 12 root, as a newcomer
# would: mmdebstrap makes a minimal bookworm root from this machine's apt
# sources, a clean clone of this repository's HEAD goes in (committed work
# only), and scripts/setup.sh, then scripts/test.sh, run inside it under
# chroot with /proc, /sys and /dev mounted. Nothing from this machine's
# caches (~/.cache/kanjian, ccache, npm, apt) is visible inside, so every
# download and compilation happens again. Prints each command's wall time
# and exit code. Needs root, mmdebstrap (installed if missing), about 12 GB
# of disk and the apt and npm registries.
#   scripts/fresh_check.sh [--setup-only] [--keep]
#   KANJIAN_FRESH_DIR=DIR   where the root goes (default: a new dir in /var/tmp)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/apt.sh
setup_only=0 keep=0
for a in "$@"; do
  case $a in
    --setup-only) setup_only=1 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--setup-only] [--keep]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "fresh_check: needs root (chroot, mounts)" >&2; exit 1; }
apt_install_missing mmdebstrap git

root=${KANJIAN_FRESH_DIR:-$(mktemp -d /var/tmp/kanjian-fresh.XXXXXX)}
mounts=()
cleanup() {
  local m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  # Services the tests started inside the root (PostgreSQL, Redis, Chromium).
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$root" ]] && kill -9 "$pid" 2>/dev/null || true
  done
  # Never delete through a mount: /dev inside is the host's own /dev.
  if grep -q " $root/" /proc/mounts; then
    echo "fresh_check: $root still has mounts; not deleting it" >&2
  elif ((keep)); then
    echo "fresh_check: kept $root"
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT

# The apt sources of this machine (deb822 and one-line), so the root sees
# the same Debian mirror.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f $f ]] && sources+=("$f")
done
t0=$SECONDS
echo "fresh_check: mmdebstrap bookworm -> $root"
mmdebstrap --quiet --variant=apt --include=ca-certificates,git,sudo bookworm "$root" "${sources[@]}"
echo "fresh_check: debootstrap took $((SECONDS - t0)) s"

# This machine's own network trust goes in too: a site CA (for example an
# inspecting proxy's) in /usr/local/share/ca-certificates, and npm told to use
# the system bundle when it is told so here. An operator's machine has its
# own; without them no npm download could succeed inside.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
npm_cafile=$(npm config get cafile 2>/dev/null || true)
if [[ -n $npm_cafile && $npm_cafile != null && $npm_cafile != undefined ]]; then
  echo "cafile=$npm_cafile" >"$root/etc/npmrc"
fi

git clone --quiet --no-local . "$root/root/kanjian"
echo "fresh_check: cloned $(git rev-parse --short HEAD) into $root/root/kanjian"
cp /etc/resolv.conf "$root/etc/resolv.conf"
for m in proc sys dev dev/pts; do
  mkdir -p "$root/$m"
  case $m in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" ;;
    dev) mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" ;;
    dev/pts) continue ;;
  esac
  mounts+=("$root/$m")
done
mkdir -p "$root/dev/shm"

run_in_root() {  # NAME COMMAND -> prints wall time and exit code
  local name=$1 cmd=$2 t=$SECONDS rc=0
  echo "fresh_check: $name: $cmd"
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb bash -c "cd /root/kanjian && $cmd" >"$root/root/$name.log" 2>&1 || rc=$?
  local took=$((SECONDS - t))
  printf 'fresh_check: %-6s %4d min %02d s  exit %d  (log: %s)\n' "$name" $((took / 60)) $((took % 60)) "$rc" \
    "$root/root/$name.log"
  if ((rc)); then tail -n 40 "$root/root/$name.log"; fi
  results+=("$name $took $rc")
  return "$rc"
}

results=()
status=0
run_in_root setup "./scripts/setup.sh && ./build/kanjian --version" || status=1
if ((!status && !setup_only)); then
  run_in_root test "./scripts/test.sh" || status=1
fi
echo "fresh_check: summary (commit $(git rev-parse --short HEAD), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
for r in "${results[@]}"; do
  read -r name took rc <<<"$r"
  printf '  %-6s %4d min %02d s  exit %d\n' "$name" $((took / 60)) $((took % 60)) "$rc"
done
exit "$status"
