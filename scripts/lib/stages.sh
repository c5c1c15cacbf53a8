# Sourced by scripts/test.sh: runs named stages, times each, and prints the
# table of stage times when the script exits, passed or failed.
#   stage NAME CMD…        runs CMD in the foreground
#   stage_bg NAME CMD…     starts CMD in the background, niced, its output
#                          in $STAGE_LOG_DIR/NAME.log
#   stage_wait NAME        waits for a background stage; prints its log and
#                          fails if it failed
STAGE_NAMES=()
STAGE_SECS=()
STAGE_RESULT=()
declare -A STAGE_PID STAGE_START
STAGE_LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-stages.XXXXXX")
STAGE_T0=$SECONDS

_stage_record() {  # NAME SECONDS RESULT
  STAGE_NAMES+=("$1"); STAGE_SECS+=("$2"); STAGE_RESULT+=("$3")
}

stage() {
  local name=$1 t0=$SECONDS
  shift
  echo "=== stage $name: $*"
  if "$@"; then
    _stage_record "$name" $((SECONDS - t0)) ok
  else
    local rc=$?
    _stage_record "$name" $((SECONDS - t0)) "FAILED ($rc)"
    return "$rc"
  fi
}

stage_bg() {
  local name=$1
  shift
  echo "=== stage $name (background, niced): $*"
  STAGE_START[$name]=$SECONDS
  nice -n 19 "$@" >"$STAGE_LOG_DIR/$name.log" 2>&1 &
  STAGE_PID[$name]=$!
}

stage_wait() {
  local name=$1 rc=0
  wait "${STAGE_PID[$name]}" || rc=$?
  tail -n 5 "$STAGE_LOG_DIR/$name.log"
  if ((rc)); then
    echo "=== stage $name FAILED; its log:"
    cat "$STAGE_LOG_DIR/$name.log"
    _stage_record "$name (bg)" $((SECONDS - STAGE_START[$name])) "FAILED ($rc)"
    return "$rc"
  fi
  _stage_record "$name (bg)" $((SECONDS - STAGE_START[$name])) ok
}

_stage_summary() {
  local rc=$?
  local pid
  for pid in "${STAGE_PID[@]}"; do kill "$pid" 2>/dev/null || true; done
  echo
  echo "=== stage times (wall s; background stages overlap the others)"
  local i
  for i in "${!STAGE_NAMES[@]}"; do
    printf '  %-22s %5s  %s\n' "${STAGE_NAMES[$i]}" "${STAGE_SECS[$i]}" "${STAGE_RESULT[$i]}"
  done
  printf '  %-22s %5s  %s\n' total $((SECONDS - STAGE_T0)) "$( ((rc)) && echo "FAILED ($rc)" || echo ok)"
  rm -rf "$STAGE_LOG_DIR"
  return "$rc"
}
trap _stage_summary EXIT
