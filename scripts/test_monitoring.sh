#!/usr/bin/env bash
# Monitoring proof with real parts: promtool checks the alert rules; the
# CLI makes accounts whose calls are paid by each source (free pack,
# resource pack, post-paid), a pack sold and an account in arrears after a
# settled month; a kanjian server (build/kanjian) takes a few signed SDK
# calls, one of them refused, and a malformed request; a real Prometheus
# (Debian's) on loopback scrapes it every second with the rules loaded.
# Then, through Prometheus' HTTP API: every Grafana panel query
# (deploy/grafana/kanjian-dashboard.json) parses and returns data, every
# rule expression parses and every rule evaluates with health "ok", every
# metric a panel or a rule names has series from the running server, and
# the billing figures (calls by source, revenue, arrears) are the ones the
# CLI made. Bounded: about 30 s, 120 s at most.
#   KANJIAN_BIN (default build/kanjian), KANJIAN_MODELS passed through.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${KANJIAN_BIN:-$ROOT/build/kanjian}
RULES=$ROOT/deploy/prometheus/kanjian.rules.yml
DASHBOARD=$ROOT/deploy/grafana/kanjian-dashboard.json
work=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-test-monitoring.XXXXXX")
pids=()

log() { printf 'test_monitoring: %s\n' "$*" >&2; }
die() { printf 'test_monitoring: FAIL: %s\n' "$*" >&2; exit 1; }
cleanup() {
  local rc=$?
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if ((rc != 0)); then
    for f in serve.log prometheus.log; do
      [[ -f $work/$f ]] && { log "$f:"; tail -n 20 "$work/$f" >&2; }
    done
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

for tool in promtool prometheus python3 node; do command -v "$tool" >/dev/null || die "missing $tool"; done
[[ -x $BIN ]] || die "no $BIN"
promtool check rules "$RULES" >&2 || die "promtool check rules $RULES"
(cd "$ROOT/tests/blackbox" && { [[ -d node_modules/tencentcloud-sdk-nodejs ]] ||
  npm ci --prefer-offline --no-audit --no-fund >/dev/null; })

# Waits up to $2 seconds for "listening on 127.0.0.1:PORT" in log $1; prints PORT.
wait_port() {
  local port=""
  for _ in $(seq 1 $(($2 * 2))); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | head -1)
    [[ -n $port ]] && { echo "$port"; return; }
    sleep 0.5
  done
  return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

db=$work/kanjian.db
k() { "$BIN" --db "$db" "$@"; }
# Creates and activates account NAME (with --at AT, if given); sets
# account_id, secret_id, secret_key.
new_account() { # NAME [AT]
  local at=() acc
  [[ -n ${2:-} ]] && at=(--at "$2")
  acc=$(k --json "${at[@]}" account create "$1")
  account_id=$(node -pe 'JSON.parse(process.argv[1]).AccountId' "$acc")
  secret_id=$(node -pe 'JSON.parse(process.argv[1]).SecretId' "$acc")
  secret_key=$(node -pe 'JSON.parse(process.argv[1]).SecretKey' "$acc")
  k "${at[@]}" account activate "$account_id" >/dev/null
}
# An account in arrears: 2 000 DetectPet calls three months ago, that month
# settled (1 000 past the free pack, post-paid), nothing paid: it owes the
# bill and the grace period (0 days in the bundled catalog) is over.
month=$(date -u -d "$(date -u +%Y-%m-15) -3 months" +%Y-%m)
next=$(date -u -d "$month-15 +1 month" +%Y-%m)
new_account monitoring-arrears "${month}-02T10:00:00+08:00"
k --at "${month}-03T10:00:00+08:00" usage record "$account_id" DetectPet 2000 >/dev/null
k --at "${next}-01T02:00:00+08:00" bill run --month "$month" >/dev/null
# Calls paid by a resource pack: the free pack used up, a DetectPet pack given.
new_account monitoring-pack
k usage record "$account_id" DetectPet 1000 >/dev/null
k pack grant "$account_id" --action DetectPet --calls 100 --months 1 >/dev/null
pack_keys=("$secret_id" "$secret_key")
# Post-paid calls: the free pack used up, no pack; and a pack sold.
new_account monitoring-postpaid
k usage record "$account_id" DetectPet 1000 >/dev/null
k account recharge "$account_id" 800 >/dev/null
k pack buy "$account_id" --action RecognizeCarPro --calls 10000 >/dev/null
postpaid_keys=("$secret_id" "$secret_key")
# Calls paid by the free pack (the last account made).
new_account monitoring
"$BIN" --db "$db" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/serve.log" 90) || die "kanjian did not listen within 90 s"

prom_port=$(free_port)
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$RULES"]
scrape_configs:
  - job_name: kanjian
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

for _ in 1 2 3; do
  node "$ROOT/tests/blackbox/detect_pet_once.js" "$port" "$secret_id" "$secret_key" >/dev/null
done
node "$ROOT/tests/blackbox/detect_pet_once.js" "$port" "${pack_keys[@]}" >/dev/null
node "$ROOT/tests/blackbox/detect_pet_once.js" "$port" "${postpaid_keys[@]}" >/dev/null
if node "$ROOT/tests/blackbox/detect_pet_once.js" "$port" "$secret_id" "not-the-key" >/dev/null 2>&1; then
  die "a call signed with the wrong key succeeded"
fi
# A request line the HTTP front refuses (kanjian_http_rejected_total{reason="bad_head"}).
python3 - "$port" <<'PY'
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
    s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
    s.recv(4096)
PY

python3 - "$prom_port" "$DASHBOARD" "$RULES" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request

prom, dashboard, rules_file = f"http://127.0.0.1:{sys.argv[1]}", sys.argv[2], sys.argv[3]
deadline = time.time() + 90

def api(path, **params):
    url = f"{prom}/api/v1/{path}?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)

def query(expr):
    try:
        return api("query", query=expr)
    except urllib.error.HTTPError as e:  # 400 = the expression does not parse
        return json.load(e)

def wait(what, ok):
    while time.time() < deadline:
        try:
            if ok():
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"test_monitoring: FAIL: timed out waiting for {what}")

# Two scrapes after the calls, so that rates have two samples.
wait("Prometheus to scrape the calls", lambda: any(
    float(s["value"][1]) >= 5 for s in query('sum(kanjian_requests_total{code="OK"})')["data"]["result"]))
time.sleep(2.5)

failures, names = [], set()

# The billing figures the CLI made, as Prometheus scraped them.
def value(expr):
    r = query(expr)["data"]["result"]
    return float(r[0]["value"][1]) if r else None
figures = {e: value(e) for e in (
    'kanjian_billed_calls_total{source="free"}', 'kanjian_billed_calls_total{source="pack"}',
    'kanjian_billed_calls_total{source="postpaid"}', 'kanjian_revenue_fen{book="pack"}',
    'kanjian_revenue_fen{book="postpaid"}', "kanjian_accounts_in_arrears", "kanjian_owed_fen")}
expected = {'kanjian_billed_calls_total{source="free"}': 3, 'kanjian_billed_calls_total{source="pack"}': 1,
            'kanjian_billed_calls_total{source="postpaid"}': 1,
            'kanjian_revenue_fen{book="pack"}': 73000,  # the 730-yuan pack
            "kanjian_accounts_in_arrears": 1}
for expr, want in expected.items():
    if figures[expr] != want:
        failures.append(f"{expr} is {figures[expr]}, want {want}")
postpaid = figures['kanjian_revenue_fen{book="postpaid"}']
if not postpaid or figures["kanjian_owed_fen"] != postpaid:
    failures.append(f"the settled post-paid bill ({postpaid} fen) is what is owed ({figures['kanjian_owed_fen']} fen)")
METRIC = re.compile(r"\b(kanjian_[a-z_]+|up)\b(?!\s*\()")

panels = json.load(open(dashboard))["panels"]
for p in panels:
    for t in p["targets"]:
        expr = t["expr"].replace("$__rate_interval", "1m")
        names.update(METRIC.findall(expr))
        r = query(expr)
        if r.get("status") != "success":
            failures.append(f"panel {p['title']!r}: {r.get('error')}")
        elif not r["data"]["result"]:
            failures.append(f"panel {p['title']!r}: no data for {expr}")

wait("a rule evaluation", lambda: all(
    rule.get("lastEvaluation", "").startswith("20")
    for g in api("rules")["data"]["groups"] for rule in g["rules"]))
groups = api("rules")["data"]["groups"]
rules = [rule for g in groups for rule in g["rules"]]
want = len(re.findall(r"^\s*- alert:", open(rules_file).read(), re.M))
if len(rules) != want:
    failures.append(f"Prometheus loaded {len(rules)} rules, the file has {want}")
for rule in rules:
    names.update(METRIC.findall(rule["query"]))
    if rule.get("health") != "ok":
        failures.append(f"rule {rule['name']}: health {rule.get('health')}: {rule.get('lastError')}")
    r = query(rule["query"])
    if r.get("status") != "success":
        failures.append(f"rule {rule['name']}: {r.get('error')}")

start = time.time() - 300
for name in sorted(names):
    series = api("series", **{"match[]": name, "start": f"{start:.0f}"})["data"]
    if not series:
        failures.append(f"metric {name} is named by a panel or rule but the server exports no series")

if failures:
    sys.exit("test_monitoring: FAIL:\n  " + "\n  ".join(failures))
print(f"test_monitoring: OK: {sum(len(p['targets']) for p in panels)} panel queries in {len(panels)} panels "
      f"return data, {len(rules)} rules evaluate ok, {len(names)} metrics exported: {' '.join(sorted(names))}; "
      f"billing figures {json.dumps({k: v for k, v in figures.items()})}",
      file=sys.stderr)
PY
