#!/usr/bin/env bash
# Instruction counts (callgrind) of a resumed month, per scheme: the dry run, the sqlite3 read
# (bench_batch's baseline-resumed) and --apply, whole child process as bench_batch runs it.
#
#   benchmarks/callgrind_month.sh TAG TREE ["SCHEMES"] ["MODES"]
#   e.g. benchmarks/callgrind_month.sh before /tmp/before five-tier "dry apply"
#
# TREE is a source tree (cstui/, plugins/, schemes/), run through a PYTHONPATH of links to it, so
# two checkouts compare on one venv (PYTHON, default python3, with cstui's dependencies). The
# company is bench_batch.py's cached one (run `bench_batch.py --employees N` once to build it, and
# its applied.db); MODES: dry, read, apply (on a fresh copy); floor-read and floor, after apply:
# the rows that apply wrote, read from its database, then (floor) also written by plain sqlite3
# into a fresh copy (bench_batch's baseline-write): floor minus floor-read is what writing them
# costs, the least an apply that stores them pays beyond its grading. N (20000) and PERIOD
# (2026-12, a month resumed from the 2026-11 checkpoints) from the environment. Prints millions
# of instructions; the callgrind files stay in $TMPDIR/cg-TAG/.
set -u
TAG=$1
TREE=$(cd "$2" && pwd) || { echo "no source tree $2" >&2; exit 2; }
SCHEMES=${3:-star-levels assistant-class five-tier ecommerce-kpi} MODES=${4:-dry read apply}
N=${N:-20000} PERIOD=${PERIOD:-2026-12} PYTHON=${PYTHON:-python3}
TMP=${TMPDIR:-/tmp}
SRC=$TMP/cstui-bench-$N-m015/applied.db
OUT=$TMP/cg-$TAG
[ -f "$SRC" ] || { echo "no $SRC: run benchmarks/bench_batch.py --employees $N first" >&2; exit 2; }
mkdir -p "$OUT/pkgs"
ln -sfn "$TREE/cstui" "$OUT/pkgs/cstui"
ln -sfn "$TREE/plugins" "$OUT/pkgs/cstui_plugins"
ln -sfn "$TREE/schemes" "$OUT/pkgs/cstui_schemes"
# compiled first: uncompiled modules are parsed again on every run (~740 M instructions)
(cd "$TREE" && "$PYTHON" -m compileall -q cstui plugins schemes benchmarks)
export PYTHONPATH=$OUT/pkgs PYTHONHASHSEED=0
unset PYTHONDONTWRITEBYTECODE
for scheme in $SCHEMES; do
  for mode in $MODES; do
    case $mode in
      dry) args=(grade "$SRC" "$scheme" "$PERIOD" dry 1) ;;
      read) args=(baseline-resumed "$SRC" "$scheme" "$PERIOD") ;;
      apply)
        rm -f "$OUT"/work.db*
        cp "$SRC" "$OUT/work.db"
        args=(grade "$OUT/work.db" "$scheme" "$PERIOD" apply 1)
        ;;
      floor-read | floor)
        [ -f "$OUT/work.db" ] || { echo "$mode needs the apply mode before it" >&2; exit 2; }
        if [ ! -f "$OUT/$scheme-applied.db" ]; then
          for f in "$OUT"/work.db*; do mv "$f" "$OUT/$scheme-applied.db${f#"$OUT"/work.db}"; done
        fi
        rm -f "$OUT"/work.db*
        cp "$SRC" "$OUT/work.db"
        what=read
        [ "$mode" = floor ] && what=write
        args=(baseline-write "$OUT/work.db" "$OUT/$scheme-applied.db" "$scheme" "$PERIOD" "$what")
        ;;
      *) echo "unknown mode $mode" >&2; exit 2 ;;
    esac
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$scheme-$mode.cg" \
      "$PYTHON" "$TREE/benchmarks/bench_batch.py" --child "${args[@]}" >"$OUT/$scheme-$mode.out" 2>"$OUT/$scheme-$mode.err"
    total=$(grep -E '^(summary|totals):' "$OUT/$scheme-$mode.cg" | head -1 | awk '{print $2}')
    printf "%-16s %-10s %10.1f M\n" "$scheme" "$mode" "$(echo "$total/1000000" | bc -l)" | tee -a "$OUT/summary.txt"
  done
done
rm -f "$OUT"/*-applied.db*
