#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 600), one after another
# with one worker, then prints a table: target, executions, crashes (files in artifacts/).
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]
#
# Logs go to fuzz/logs/<target>.log; new corpus entries to fuzz/corpus/<target>/ (untracked).
set -u
cd "$(dirname "$0")"
secs=${1:-600}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse_line stored_decode verify_view differential append
        ingest_alertmanager ingest_grafana ingest_uptime_kuma ingest_pagerduty ingest_statuspage)
fi

cargo +nightly fuzz build || exit 1
mkdir -p logs
rows=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    extra=()
    # libFuzzer's leak check runs an input twice, which would append it twice.
    [ "$t" = append ] && extra=(-detect_leaks=0)
    echo "== $t: ${secs}s" >&2
    rm -f fuzz-0.log
    cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
        -jobs=1 -workers=1 -max_total_time="$secs" -print_final_stats=1 "${extra[@]}" \
        >"logs/$t.out" 2>&1
    # With -jobs, libFuzzer writes the run's own output to fuzz-0.log.
    if [ -f fuzz-0.log ]; then mv fuzz-0.log "logs/$t.log"; else cp "logs/$t.out" "logs/$t.log"; fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -n 1)
    [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "logs/$t.log" | tail -n 1 | tr -d '#')
    crashes=$(grep -c 'Test unit written to' "logs/$t.log")
    rows+=("$(printf '%-14s %12s %8s' "$t" "${execs:-?}" "$crashes")")
    grep -A3 'panicked at' "logs/$t.log" | head -n 4 >&2
    grep -o 'Test unit written to .*' "logs/$t.log" >&2
done

printf '%-14s %12s %8s\n' target executions crashes
printf '%s\n' "${rows[@]}"
