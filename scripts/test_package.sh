#!/usr/bin/env bash
# The Debian package end to end, on this machine (root; systemd need not be
# running): build it (scripts/package.sh), lintian with no error,
# systemd-analyze verify the unit, dpkg -i, start the installed binary the
# way kanjian.service does (its ExecStart, as user kanjian, empty
# environment, so it must find the installed models and console by itself),
# create an account with the installed binary, make one signed SDK DetectPet
# call and check `usage list` bills it exactly once, then dpkg -r keeps
# /var/lib/kanjian and dpkg -P removes the conffile.
#
# Idempotent and clean on failure: a trap stops the server, purges the
# package and removes /var/lib/kanjian and the kanjian user if this script
# made them. It refuses to run where kanjian is installed, or
# /var/lib/kanjian exists, without its own marker (a real installation).
#   KANJIAN_DEB: test this .deb instead of building one.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=/var/lib/kanjian
# Says that $STATE was made by this script (outside it, so postinst creates
# $STATE itself).
MARKER=/var/tmp/kanjian-test-package.marker
UNIT=/lib/systemd/system/kanjian.service
work=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-test-package.XXXXXX")
server_pid=""
made_user=0

log() { printf 'test_package: %s\n' "$*" >&2; }
die() { printf 'test_package: FAIL: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
# As kanjian.service runs it: user kanjian, its groups, an empty environment
# but HOME. setpriv execs, so the command keeps this shell's child's pid.
as_kanjian() { setpriv --reuid=kanjian --regid=kanjian --init-groups env -i HOME=$STATE PATH=/usr/bin:/bin "$@"; }

cleanup() {
  local rc=$?
  set +e
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null
  fi
  if dpkg-query -W -f='${Status}' kanjian 2>/dev/null | grep -qv not-installed; then
    dpkg -P kanjian >/dev/null 2>&1
  fi
  [[ -f $MARKER ]] && rm -rf "$STATE" "$MARKER"
  if ((made_user)) && getent passwd kanjian >/dev/null; then deluser --quiet kanjian >/dev/null 2>&1; fi
  if ((rc != 0)) && [[ -f $work/serve.log ]]; then
    log "serve log:"; tail -n 30 "$work/serve.log" >&2
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || die "must run as root (dpkg -i)"
for tool in dpkg-deb dpkg-shlibdeps lintian systemd-analyze setpriv node; do
  command -v "$tool" >/dev/null || die "missing $tool"
done
status=$(dpkg-query -W -f='${Status}' kanjian 2>/dev/null || true)
if [[ -n $status && $status != *not-installed* ]]; then
  [[ -f $MARKER ]] || die "kanjian is installed here and not by this test: refusing to touch it"
  log "purging the package a failed earlier run left"; dpkg -P kanjian >/dev/null
fi
if [[ -d $STATE && ! -f $MARKER ]]; then
  die "$STATE exists and was not made by this test: refusing to touch it"
fi
# A user this script made (or an interrupted run of it) goes at the end.
if ! getent passwd kanjian >/dev/null || [[ -f $MARKER ]]; then made_user=1; fi
rm -rf "$STATE"
(cd "$ROOT/tests/blackbox" && { [[ -d node_modules/tencentcloud-sdk-nodejs ]] ||
  npm ci --prefer-offline --no-audit --no-fund >/dev/null; })

deb=${KANJIAN_DEB:-}
if [[ -z $deb ]]; then
  deb=$("$ROOT/scripts/package.sh" | tail -n 1)
fi
[[ -f $deb ]] || die "no package at '$deb'"
log "package $deb: $(stat -c %s "$deb") bytes"

lintian --fail-on error "$deb" >"$work/lintian.txt" 2>&1 || { cat "$work/lintian.txt" >&2; die "lintian reports errors"; }
log "lintian: $(grep -c '^[EW]:' "$work/lintian.txt" || true) errors/warnings"

# The marker first, so that a failure after dpkg -i is cleaned up.
touch "$MARKER"
t0=$(now_ms)
dpkg -i "$deb" >"$work/dpkg.txt" 2>&1 || { cat "$work/dpkg.txt" >&2; die "dpkg -i failed"; }
log "installed in $(($(now_ms) - t0)) ms"

systemd-analyze verify "$UNIT" >"$work/verify.txt" 2>&1 || { cat "$work/verify.txt" >&2; die "systemd-analyze verify $UNIT"; }
[[ -s $work/verify.txt ]] && { cat "$work/verify.txt" >&2; die "systemd-analyze verify warns about $UNIT"; }
getent passwd kanjian >/dev/null || die "postinst made no kanjian user"
[[ $(stat -c %U "$STATE") == kanjian ]] || die "$STATE is not owned by kanjian"
objdump -p /usr/bin/kanjian | grep 'RUNPATH *\/usr\/lib\/kanjian$' >/dev/null || die "/usr/bin/kanjian has no RUNPATH /usr/lib/kanjian"
ldd /usr/bin/kanjian | grep 'libonnxruntime.so.1 => /usr/lib/kanjian/' >/dev/null || die "ONNX Runtime not found in /usr/lib/kanjian"
[[ -f /etc/kanjian/kanjian.toml ]] || die "no conffile"

# An account, with the installed binary as the service's user.
db_flag="--db $STATE/kanjian.db"
acc=$(as_kanjian /usr/bin/kanjian $db_flag --json account create package-test)
account_id=$(node -pe 'JSON.parse(process.argv[1]).AccountId' "$acc")
secret_id=$(node -pe 'JSON.parse(process.argv[1]).SecretId' "$acc")
secret_key=$(node -pe 'JSON.parse(process.argv[1]).SecretKey' "$acc")
as_kanjian /usr/bin/kanjian $db_flag account activate "$account_id" >/dev/null
[[ $(stat -c '%U %a' "$STATE/kanjian.db.key") == "kanjian 600" ]] || die "master key not kanjian's with mode 600"

# The unit's ExecStart, on a free port instead of its own.
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
[[ -n $exec_start ]] || die "no ExecStart in $UNIT"
if [[ $exec_start == *"--listen "* ]]; then
  exec_start=$(sed -E 's/--listen [^ ]+/--listen 127.0.0.1:0/' <<<"$exec_start")
else
  exec_start+=" --listen 127.0.0.1:0"
fi
log "starting: $exec_start (as kanjian)"
setpriv --reuid=kanjian --regid=kanjian --init-groups \
  env -i -C "$STATE" HOME=$STATE PATH=/usr/bin:/bin $exec_start >"$work/serve.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 240); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log" | head -1)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || die "the installed server exited"
  sleep 0.5
done
[[ -n $port ]] || die "the installed server did not listen within 120 s"
grep -q "models from /usr/share/kanjian/models" "$work/serve.log" || die "models not from /usr/share/kanjian/models"
grep -q "console from /usr/share/kanjian/console" "$work/serve.log" || die "console not from /usr/share/kanjian/console"
for path in /healthz /console/ /console/vendor/echarts.min.js /console/operator/; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  [[ $code == 200 ]] || die "GET $path answered $code"
done
[[ $(ps -o user= -p "$server_pid") == kanjian ]] || die "the server does not run as kanjian"

call=$(node "$ROOT/tests/blackbox/detect_pet_once.js" "$port" "$secret_id" "$secret_key")
request_id=$(node -pe 'JSON.parse(process.argv[1]).RequestId' "$call")
node -e 'const r = JSON.parse(process.argv[1]); if (!r.Pets.some((p) => p.Name === "dog")) process.exit(1)' "$call" ||
  die "DetectPet found no dog: $call"
usage=$(as_kanjian /usr/bin/kanjian $db_flag --json usage list "$account_id")
node -e '
  const [usage, id] = [JSON.parse(process.argv[1]), process.argv[2]];
  const recs = usage.Records;
  if (recs.length !== 1 || recs[0].RequestId !== id || recs[0].Action !== "DetectPet") {
    console.error(`want exactly one DetectPet record ${id}, got ${JSON.stringify(recs)}`);
    process.exit(1);
  }' "$usage" "$request_id" || die "the call is not billed exactly once"
log "DetectPet $request_id billed once"

kill -TERM "$server_pid"; wait "$server_pid" || die "the server did not stop cleanly"
server_pid=""

dpkg -r kanjian >/dev/null
[[ ! -e /usr/bin/kanjian ]] || die "dpkg -r left /usr/bin/kanjian"
[[ -f $STATE/kanjian.db && -f $STATE/kanjian.db.key ]] || die "dpkg -r removed the database or its key"
[[ -f /etc/kanjian/kanjian.toml ]] || die "dpkg -r removed the conffile (only purge should)"
dpkg -P kanjian >/dev/null 2>&1
[[ ! -e /etc/kanjian/kanjian.toml ]] || die "dpkg -P left the conffile"
[[ -f $STATE/kanjian.db ]] || die "dpkg -P removed the database"
log "OK: removal keeps $STATE, purge removes the conffile"
