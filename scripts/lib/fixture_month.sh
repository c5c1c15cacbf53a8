# Sourced by the upgrade fixture scripts (tests/fixtures/make_*_fixture.sh):
# the scripted month an earlier release runs, and what its CLI then says.
#   fixture_month OLD DB              runs the month with binary OLD on DB (a
#                                     SQLite file or a PostgreSQL URI); sets
#                                     FIXTURE_A and FIXTURE_B (the accounts)
#   fixture_expected OLD DB COMMIT SCHEMA
#                                     prints NAME.expected.json: the answers
#                                     upgrade.test.js compares today's to
# The master key is fixed, so the fixture's sealed SecretKeys open in tests.
export KANJIAN_MASTER_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
FIXTURE_AT=2026-11-01T04:00:00+08:00

fixture_month() {
  local old=$1 db=$2 a b voucher refunded day calls at
  k() { local at=$1; shift; "$old" --db "$db" --json --at "$at" "$@"; }
  field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
  a=$(k 2026-10-01T09:00:00+08:00 account create fixture-shop-a | field AccountId)
  b=$(k 2026-10-01T09:05:00+08:00 account create fixture-shop-b | field AccountId)
  k 2026-10-01T09:10:00+08:00 account activate "$a" >/dev/null
  k 2026-10-01T09:10:00+08:00 account activate "$b" >/dev/null
  k 2026-10-01T10:00:00+08:00 account recharge "$a" 2000 --idempotency-key fixture-r1 >/dev/null
  k 2026-10-01T10:00:00+08:00 account recharge "$b" 800 --source gift --idempotency-key fixture-r2 >/dev/null
  k 2026-10-01T10:05:00+08:00 account recharge "$b" 100 --source income --idempotency-key fixture-r3 >/dev/null
  voucher=$(k 2026-10-02T09:00:00+08:00 voucher grant "$a" 100 --expires 2026-12-31T23:59:59+08:00 \
    --idempotency-key fixture-v1 | field VoucherId)
  k 2026-10-02T10:00:00+08:00 pack buy "$a" --action RecognizeCarPro --calls 10000 --voucher "$voucher" \
    --idempotency-key fixture-p1 >/dev/null
  k 2026-10-02T10:30:00+08:00 pack grant "$b" --action RecognizeCar --calls 500 --months 2 \
    --idempotency-key fixture-g1 >/dev/null
  refunded=$(k 2026-10-03T10:00:00+08:00 pack buy "$b" --action RecognizeCarPro --calls 10000 \
    --idempotency-key fixture-p2 | field PackId)
  k 2026-10-04T10:00:00+08:00 pack refund "$refunded" >/dev/null
  day=3
  for calls in 1200 3000 250 4100 75; do
    at=$(printf '2026-10-%02dT14:00:00+08:00' $day)
    k "$at" usage record "$a" DetectPet "$calls" >/dev/null
    k "$at" usage record "$a" RecognizeCarPro "$((calls / 3 + 1))" >/dev/null
    k "$at" usage record "$b" RecognizeCar "$((calls / 5 + 7))" >/dev/null
    k "$at" usage record "$b" DetectProduct "$((calls + 11))" >/dev/null
    day=$((day + 6))
  done
  k 2026-11-01T02:00:00+08:00 bill run --month 2026-10 >/dev/null
  k 2026-11-01T03:00:00+08:00 audit >/dev/null
  FIXTURE_A=$a FIXTURE_B=$b
}

fixture_expected() {
  python3 - "$1" "$2" "$FIXTURE_AT" "$FIXTURE_A" "$FIXTURE_B" "$3" "$4" <<'PY'
import json, subprocess, sys
old, db, at, a, b, commit, schema = sys.argv[1:]
def k(*args):
    out = subprocess.run([old, "--db", db, "--json", "--at", at, *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)
commands = []
for acc in (a, b):
    commands += [["account", "show", acc], ["pack", "list", acc], ["usage", "list", acc],
                 ["usage", "show", acc, "--month", "2026-10"],
                 ["bill", "show", acc, "--month", "2026-10"]]
print(json.dumps({"commit": commit, "at": at, "schema_version": int(schema) if schema else None,
                  "answers": [{"args": c, "json": k(*c)} for c in commands]}, indent=1))
PY
}
