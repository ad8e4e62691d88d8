#!/usr/bin/env bash
# Builds aprouter-bench in release and prints the README's table rows for every case: instructions per operation
# under callgrind (the headline: they repeat exactly on a shared machine) and wall-clock rates (indicative only),
# followed by the hottest functions of each callgrind case. Takes about 3 minutes once the build is done (a cold
# release build of the dependencies takes 5 to 10 minutes on 2 cores).
#
#   bench/run.sh              everything
#   bench/run.sh policy       one case: sigv4-header, chunked, policy, dns-answer or router-request
#
# Instructions per operation = (I(N2) − I(N1)) / (N2 − N1): two runs that differ only in the number of operations,
# so start-up, setup and the dynamic loader cancel out. SWIFT_DETERMINISTIC_HASHING=1 fixes the seed of Swift's
# Hasher, whose per-process random seed otherwise moves dictionary probe counts by about 0.5% from run to run.
set -euo pipefail
cd "$(dirname "$0")"
cases=("${@:-sigv4-header chunked policy dns-answer router-request}")
read -r -a cases <<<"${cases[*]}"

swift build -c release --product aprouter-bench >&2
bin="$(swift build -c release --show-bin-path)/aprouter-bench"
work="$(mktemp -d /tmp/aprouter-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 debug info the Swift toolchain writes and gives up; the symbol table is
# enough for per-function costs, so callgrind runs a copy without debug info (same code, same instructions).
cp "$bin" "$work/aprouter-bench"
strip --strip-debug "$work/aprouter-bench"

hot="$work/hotspots.txt"
: >"$hot"

# count CASE VARIANT N1 N2 [ARGS…]: prints instructions per operation; appends the hot spots to $hot.
count() {
    local name=$1 variant=$2 n1=$3 n2=$4
    shift 4
    local n
    for n in "$n1" "$n2"; do
        SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$work/$name-$variant-$n.out" \
            "$work/aprouter-bench" "$name" --variant "$variant" --once --iterations "$n" "$@" \
            >"$work/$name-$variant-$n.stdout" 2>"$work/stderr" || {
            cat "$work/$name-$variant-$n.stdout" "$work/stderr" >&2
            exit 1
        }
    done
    {
        echo "### $name $variant: SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind aprouter-bench $name --variant $variant --once" \
            "--iterations $n1|$n2 $*"
        python3 scripts/callgrind_diff.py "$work/$name-$variant-$n1.out" "$n1" "$work/$name-$variant-$n2.out" "$n2" 5
        echo
    } >"$work/diff"
    cat "$work/diff" >>"$hot"
    sed -n 's/^instructions per operation: \([0-9,]*\).*/\1/p' "$work/diff" | tr -d ,
}

# allocations CASE VARIANT N1 N2: allocations per operation from the two runs of `count` (MallocCounter), printed
# with two decimals: (A(N2) − A(N1)) / (N2 − N1).
allocations() {
    local a1 a2
    a1=$(sed -n 's/.*allocations \([0-9]*\)$/\1/p' "$work/$1-$2-$3.stdout")
    a2=$(sed -n 's/.*allocations \([0-9]*\)$/\1/p' "$work/$1-$2-$4.stdout")
    python3 -c "print(f'{($a2 - $a1) / ($4 - $3):.2f}')"
}

# Thousands separators.
group() { python3 -c "print(f'{$1:,}')"; }

callgrind_cmd() { echo "\`SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind aprouter-bench $1 --variant $2 --once --iterations $3\` and $4$5"; }
rows="$work/rows.md"
: >"$rows"

for name in "${cases[@]}"; do
    case $name in
    sigv4-header)
        for variant in warm cold presigned sign; do
            ir=$(count sigv4-header "$variant" 50 100)
            what="SigV4 header verification, empty payload, $variant key cache: instructions per verification"
            [ "$variant" = presigned ] && what="SigV4 presigned GET (aws CLI), warm key cache: instructions per verification"
            [ "$variant" = sign ] && what="SigV4 signing of the forwarded GET, key cached: instructions per signature"
            echo "| $what | $(group "$ir") Ir, $(allocations sigv4-header "$variant" 50 100) allocations | | |" \
                "$(callgrind_cmd sigv4-header "$variant" 50 100 '') |" >>"$rows"
        done
        wall="$("$bin" sigv4-header --iterations 5000 --rounds 5)"
        echo "$wall" | sed 's/^/wall: /' >&2
        for variant in warm cold presigned sign; do
            line=$(echo "$wall" | grep "sigv4-header $variant ")
            rate=$(echo "$line" | awk -F'|' '{print $3}' | xargs)
            per=$(echo "$line" | awk -F'|' '{print $4}' | sed 's/ (best.*//' | xargs)
            echo "| SigV4 $variant: wall clock (indicative) | $rate ($per) | | |" \
                "\`aprouter-bench sigv4-header --iterations 5000 --rounds 5\` |" >>"$rows"
        done
        ;;
    chunked)
        size=1048576
        declare -A perbyte
        for variant in aws-chunked sha256 sha256-checker; do
            ir=$(count chunked "$variant" 1 3 --size "$size")
            perbyte[$variant]=$(python3 -c "print(f'{$ir / $size:.2f}')")
        done
        ratio=$(python3 -c "print(f'{${perbyte[aws-chunked]} / ${perbyte[sha256]}:.2f}')")
        echo "| aws-chunked decode + chunk signatures (64 KiB chunks, 64 KiB reads): instructions per payload byte" \
            "| ${perbyte[aws-chunked]} Ir/B | SHA-256 (swift-crypto) ${perbyte[sha256]} Ir/B |" \
            "$ratio× the instructions | $(callgrind_cmd chunked aws-chunked 1 3 ' (same for `--variant sha256`), `--size 1048576`') |" >>"$rows"
        echo "| plain PUT body through PayloadSHA256Checker: instructions per payload byte" \
            "| ${perbyte[sha256-checker]} Ir/B | SHA-256 ${perbyte[sha256]} Ir/B |" \
            "$(python3 -c "print(f'{${perbyte[sha256-checker]} / ${perbyte[sha256]}:.2f}')")× |" \
            "$(callgrind_cmd chunked sha256-checker 1 3 ', `--size 1048576`') |" >>"$rows"
        wall="$("$bin" chunked --rounds 5)"
        echo "$wall" | sed 's/^/wall: /' >&2
        rate() { echo "$wall" | grep "chunked $1 " | awk -F'|' '{print $3}' | xargs; }
        ratio=$(echo "$wall" | sed -n 's/.*throughput = \([0-9.]*\).*/\1/p')
        echo "| aws-chunked decode + chunk signatures, 64 MiB body: wall clock (indicative) | $(rate aws-chunked)" \
            "| SHA-256 $(rate sha256) | $ratio of SHA-256's rate | \`aprouter-bench chunked --rounds 5\` |" >>"$rows"
        ;;
    policy)
        for variant in decision request; do
            ir=$(count policy "$variant" 100 200)
            what="decision on a built RequestContext"
            [ "$variant" = request ] && what="RequestContext built + decision"
            echo "| policy, 3 policies × 5 statements with conditions, $what: instructions per decision" \
                "| $(group "$ir") Ir | | | $(callgrind_cmd policy "$variant" 100 200 '') |" >>"$rows"
        done
        wall="$("$bin" policy --iterations 20000 --rounds 5)"
        echo "$wall" | sed 's/^/wall: /' >&2
        for variant in decision request; do
            line=$(echo "$wall" | grep "policy $variant ")
            rate=$(echo "$line" | awk -F'|' '{print $3}' | xargs)
            ns=$(echo "$line" | awk -F'|' '{print $4}' | sed 's/ ns per.*//' | tr -d , | xargs)
            echo "| policy, $variant: wall clock (indicative) | $rate ($(python3 -c "print(f'{$ns / 1000:.1f}')") µs)" \
                "| target 2 µs | $(python3 -c "print(f'{$ns / 2000:.0f}')")× the target |" \
                "\`aprouter-bench policy --iterations 20000 --rounds 5\` |" >>"$rows"
        done
        ;;
    dns-answer)
        # One pass over bench/dns/queries.txt (20,000 queries) against two: the same mix in both runs.
        ir=$(count dns-answer udp 20000 40000)
        echo "| DNS answer path (parse, view, lookup, encode) over bench/dns/queries.txt: instructions per query" \
            "| $(group "$ir") Ir | | | $(callgrind_cmd dns-answer udp 20000 40000 '') |" >>"$rows"
        echo "| DNS answer path: allocations per query in steady state (MallocCounter)" \
            "| $(allocations dns-answer udp 20000 40000) | | | the same two runs |" >>"$rows"
        wall="$("$bin" dns-answer --iterations 200000 --rounds 5)"
        echo "$wall" | sed 's/^/wall: /' >&2
        line=$(echo "$wall" | grep "dns-answer udp ")
        rate=$(echo "$line" | awk -F'|' '{print $3}' | xargs)
        per=$(echo "$line" | awk -F'|' '{print $4}' | sed 's/ (best.*//' | xargs)
        echo "| DNS answer path: wall clock (indicative) | $rate ($per) | | |" \
            "\`aprouter-bench dns-answer --iterations 200000 --rounds 5\` |" >>"$rows"
        ;;
    router-request)
        for variant in stub-store upstream-build upstream-answer request-parse; do
            ir=$(count router-request "$variant" 50 100)
            what="one presigned 1 KiB GET through RouterRequestHandler.respond, the store a stub: per request"
            [ "$variant" = upstream-build ] && what="the forwarder's request building and signing for that GET, its head's bytes included (UpstreamBucketStore, no socket): per request"
            [ "$variant" = upstream-answer ] && what="the forwarder's answer for that GET: nginx's whole 200 (8 fields, 1 KiB) read from its bytes and made the router's response, its head's bytes included: per request"
            [ "$variant" = request-parse ] && what="the server's reading of that GET as wrk sends it (HTTPRequestParser: request line, Host, the fields the stages get): per request"
            echo "| $what | $(group "$ir") Ir, $(allocations router-request "$variant" 50 100) allocations | | |" \
                "$(callgrind_cmd router-request "$variant" 50 100 '') |" >>"$rows"
        done
        ;;
    *)
        echo "unknown case '$name' (sigv4-header, chunked, policy, dns-answer, router-request)" >&2
        exit 2
        ;;
    esac
done

echo "# $(date -u +%Y-%m-%d) on $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(swift --version 2>/dev/null | head -1), $(valgrind --version)"
cat "$rows"
echo
cat "$hot"
