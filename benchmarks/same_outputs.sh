#!/usr/bin/env bash
# Are two source trees' outputs byte-identical on the bench company? (A speed change must say yes.)
#
#   benchmarks/same_outputs.sh TREE_A TREE_B ["SCHEMES"]
#
# On bench_batch.py's cached 20,000-employee applied.db, for each tree: the dry CSV of 2026-12,
# the --explain JSON of 2026-Q4, the --apply --explain CSV of 2026-12 per scheme, then that
# database's results (less recorded_at), checkpoints (less created_at) and audit rows (less at
# and hash). SRC from the environment: another database (the bench's company.db: full replays).
# Prints "same" or "DIFFER" per file; exits 1 on a difference. PYTHON as in callgrind_month.sh.
# Run it from outside a checkout (python -m puts the current folder first).
set -u
A=$(cd "$1" && pwd) || exit 2
B=$(cd "$2" && pwd) || exit 2
SCHEMES=${3:-star-levels assistant-class five-tier ecommerce-kpi} PYTHON=${PYTHON:-python3}
TMP=${TMPDIR:-/tmp}
SRC=${SRC:-$TMP/cstui-bench-20000-m015/applied.db}  # SRC=.../company.db: full replays, nothing applied
[ -f "$SRC" ] || { echo "no $SRC: run benchmarks/bench_batch.py --employees 20000 first" >&2; exit 2; }
W=$(mktemp -d "$TMP/same-XXXX")
unset PYTHONDONTWRITEBYTECODE
for side in a b; do
  tree=$A
  [ $side = b ] && tree=$B
  mkdir -p "$W/$side/pkgs"
  ln -sfn "$tree/cstui" "$W/$side/pkgs/cstui"
  ln -sfn "$tree/plugins" "$W/$side/pkgs/cstui_plugins"
  ln -sfn "$tree/schemes" "$W/$side/pkgs/cstui_schemes"
  cp "$SRC" "$W/$side/dry.db"
  cp "$SRC" "$W/$side/apply.db"
  cstui() { (cd "$W" && PYTHONPATH=$W/$side/pkgs PYTHONHASHSEED=0 "$PYTHON" -m cstui --lang en "$@"); }
  for s in $SCHEMES; do
    cstui --db "$W/$side/dry.db" --scheme "$s" --period 2026-12 --format csv >"$W/$side/$s-dry.csv"
    cstui --db "$W/$side/dry.db" --scheme "$s" --period 2026-Q4 --format json --explain >"$W/$side/$s-q4.json"
  done
  for s in $SCHEMES; do
    cstui --db "$W/$side/apply.db" --scheme "$s" --period 2026-12 --apply --explain --format csv >"$W/$side/$s-apply.csv"
  done
  sqlite3 "$W/$side/apply.db" "SELECT employee_id, period, scheme, scheme_version, team, score, grade, rank, level_before,
    level_after, decision, pay_delta, flags, trace, recorded_by FROM results ORDER BY 1, 2, 3" >"$W/$side/results.txt"
  sqlite3 "$W/$side/apply.db" "SELECT scheme, fingerprint, team, month, state, timelines FROM checkpoints ORDER BY 1, 2, 3, 4" >"$W/$side/checkpoints.txt"
  sqlite3 "$W/$side/apply.db" "SELECT id, who, action, entity, key, before, after FROM audit ORDER BY id" >"$W/$side/audit.txt"
done
rc=0
for f in $(cd "$W/a" && ls -- *.csv *.json *.txt); do
  if cmp -s "$W/a/$f" "$W/b/$f"; then
    echo "same    $f ($(wc -c <"$W/a/$f") bytes)"
  else
    echo "DIFFER  $f"
    rc=1
  fi
done
echo "outputs in $W"
exit $rc
