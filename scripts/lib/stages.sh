# Sourced by scripts/test: stages that are timed, a table of them at the end, and one closing
# line that counts every test. Needs $logs (a temporary folder) to be set.

stage_rows=()
stage_failed=0
stage_t0=$SECONDS

stage_record() { # NAME SECONDS STATUS
  stage_rows+=("$(printf '%-18s %6s s  %s' "$1" "$2" "$3")")
  [ "$3" = ok ] || stage_failed=1
}

# stage NAME COMMAND…: runs it with its output shown (and kept for the closing count).
stage() {
  local name="$1" t0=$SECONDS st=ok
  shift
  echo "== $name"
  if ! { "$@"; } 2>&1 | tee -a "$logs/all.log"; then st=FAILED; fi
  stage_record "$name" $((SECONDS - t0)) $st
  [ $st = ok ]
}

# parallel_stages NAME 'COMMAND' NAME 'COMMAND' …: runs them at the same time; each one's output
# is shown whole when it has ended, in the order given.
parallel_stages() {
  local pids=() names=() i
  while [ $# -ge 2 ]; do
    local log="$logs/par-${#names[@]}"
    names+=("$1")
    (
      t0=$SECONDS st=ok
      eval "$2" >"$log.out" 2>&1 || st=FAILED
      echo "$((SECONDS - t0)) $st" >"$log.status"
    ) &
    pids+=($!)
    shift 2
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || true
    echo "== ${names[$i]} (ran beside: ${names[*]})"
    tee -a "$logs/all.log" <"$logs/par-$i.out"
    read -r secs st <"$logs/par-$i.status" || { secs=0 st=FAILED; }
    stage_record "${names[$i]}" "$secs" "$st"
  done
}

# stage_wait NAME PID LOG…: waits for a background job of this shell (so not through `stage`,
# whose command runs in a pipeline); when it failed, shows its logs.
stage_wait() {
  local name="$1" pid="$2" t0=$SECONDS st=ok
  shift 2
  echo "== $name"
  if ! wait "$pid"; then
    st=FAILED
    for f in "$@"; do [ -f "$f" ] && cat "$f"; done
  fi
  stage_record "$name" $((SECONDS - t0)) $st
  [ $st = ok ]
}

stage_abort() {
  echo "== stopped: a stage the rest depends on failed"
  exit 1
}

stage_finish() { exit $stage_failed; }

# The table of stages, then one line that counts every test of every suite that ran.
stage_table() {
  [ ${#stage_rows[@]} -gt 0 ] || return 0
  echo
  echo "== stages (seconds)"
  printf '%s\n' "${stage_rows[@]}"
  printf '%-18s %6s s\n' "total" $((SECONDS - stage_t0))
  if [ -f "$logs/all.log" ]; then
    python3 - "$logs/all.log" <<'PY'
import re, sys
passed = failed = ignored = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored", line)
    if m:
        passed += int(m[1]); failed += int(m[2]); ignored += int(m[3])
if passed or failed:
    print(f"tests: {passed} passed, {failed} failed" + (f", {ignored} skipped" if ignored else ""))
PY
  fi
}
