#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader of network input (Sources/FuzzHarnesses), with libFuzzer and
# AddressSanitizer. See fuzz/README.md.
#
#   fuzz/run.sh                       # every harness for 60 s each (after the build: about 8 minutes the first time)
#   fuzz/run.sh http-request dns-query
#   SECONDS_EACH=600 fuzz/run.sh      # longer
#   MERGE=1 fuzz/run.sh               # afterwards, add the inputs that reached new code to fuzz/corpus/HARNESS/
#   CONFIG=release fuzz/run.sh        # optimized (faster, but without the debug build's bounds checks on unsafe
#                                     # buffers: AddressSanitizer alone then finds reads outside an allocation)
#   SKIP_BUILD=1 fuzz/run.sh          # use the binary already built
#
# A failure (a trap, a sanitizer report, a property that does not hold, an input taking over 10 s) stops that
# harness: the input is kept as fuzz/out/HARNESS/crash-… (or timeout-…), the harness's last lines are printed, and
# the script exits 1 after the others have run. Reproduce with
#   APROUTER_FUZZ=HARNESS fuzz/.build/debug/aprouter-fuzz fuzz/out/HARNESS/crash-…
# and, once it is fixed, keep the input as fuzz/regressions/HARNESS/WHAT-IT-FOUND, which `make test` replays.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
seconds=${SECONDS_EACH:-60}
config=${CONFIG:-debug}
binary="$here/.build/$config/aprouter-fuzz"
if [ $# -gt 0 ]; then harnesses=("$@"); else mapfile -t harnesses < <(ls "$here/corpus"); fi
for harness in "${harnesses[@]}"; do
    [ -d "$here/corpus/$harness" ] || { echo "fuzz: no harness '$harness' (fuzz/corpus has: $(ls "$here/corpus" | tr '\n' ' '))" >&2; exit 2; }
done

if [ -z "${SKIP_BUILD:-}" ]; then
    echo "fuzz: building aprouter-fuzz ($config, --sanitize=fuzzer --sanitize=address)" >&2
    # --sanitize links libFuzzer's main; -Xswiftc repeats both for the Swift compiler, which keeps only the last
    # -sanitize= it is given (fuzzer alone would leave Swift code without AddressSanitizer, address alone without
    # coverage).
    (cd "$here" && swift build -c "$config" --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
fi

work=$(mktemp -d /tmp/aprouter-fuzz.XXXXXX)
# The router harness keeps each input's embedded store in /dev/shm/aprouter-fuzz-PID; the last one outlives it.
trap 'rm -rf "$work" /dev/shm/aprouter-fuzz-*' EXIT
failed=()
for harness in "${harnesses[@]}"; do
    out="$here/out/$harness"
    mkdir -p "$out" "$work/$harness"
    echo "fuzz: $harness for ${seconds}s" >&2
    # A dictionary of the tokens the harness's reader looks for, where there is one (fuzz/dictionaries).
    case $harness in
        http-request | store-response) dictionary="$here/dictionaries/http.dict" ;;
        router | store-server) dictionary="$here/dictionaries/router.dict" ;;
        *) dictionary="" ;;
    esac
    options=()
    [ -n "$dictionary" ] && options+=(-dict="$dictionary")
    # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: one that takes 2 GiB is a leak or a bomb.
    # detect_leaks=0: the Swift runtime's caches live as long as the process, which LeakSanitizer would report.
    # SWIFT_BACKTRACE: libFuzzer and AddressSanitizer print the stack; Swift's backtracer would take a minute more.
    if APROUTER_FUZZ=$harness ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" "${options[@]}" "$work/$harness" \
        "$here/corpus/$harness" \
        > "$work/$harness.log" 2>&1; then
        grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$work/$harness.log" | tr '\n' ' ' >&2
        echo >&2
    else
        failed+=("$harness")
        echo "fuzz: $harness FAILED; the input is in $out/" >&2
        grep -v -E "^(INFO|#[0-9]+)" "$work/$harness.log" | tail -40 >&2
    fi
    if [ -n "${MERGE:-}" ]; then
        APROUTER_FUZZ=$harness ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$binary" -merge=1 "$here/corpus/$harness" \
            "$work/$harness" > "$work/$harness-merge.log" 2>&1 || true
        echo "fuzz: $harness corpus now $(ls "$here/corpus/$harness" | wc -l) inputs" >&2
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: every harness ran ${seconds}s without a failure" >&2
