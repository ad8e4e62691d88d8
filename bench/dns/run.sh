#!/usr/bin/env bash
# dnsperf against NSD and against aprouter (release) in one run: the same zone (bench.test.zone), the same query
# file (queries.txt), the same address, each server pinned to core 0 and dnsperf to core 1 (taskset). Prints a
# markdown row per server and transport and the aprouter/NSD ratios, ready for bench/README.md.
#
#   bench/dns/run.sh                      # UDP then TCP, DURATION seconds each per server (default 12)
#   DURATION=5 bench/dns/run.sh           # shorter
#   SKIP_BUILD=1 bench/dns/run.sh         # use the existing .build/release/aprouter (or BINARY=path)
#
# Figures: qps and average latency as dnsperf reports them; server CPU per query = the server's utime+stime from
# /proc/PID/stat (all its processes: NSD forks a server child) after minus before, divided by the queries
# dnsperf completed. That last figure does not depend on how fast dnsperf can send.
# Needs: nsd, dnsperf (Debian), taskset (util-linux), dig. Sends traffic only to 127.0.0.1. About 1 minute.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${DURATION:-12}
clients=${CLIENTS:-8}
outstanding=${OUTSTANDING:-200}
server_core=${SERVER_CORE:-0}
client_core=${CLIENT_CORE:-1}

for tool in nsd dnsperf taskset dig; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
        echo "bench/dns: $tool is missing (apt-get install nsd dnsperf util-linux bind9-dnsutils)" >&2
        exit 2
    }
done

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$root" && swift build -c release --product aprouter) >&2
fi
binary=${BINARY:-$root/.build/release/aprouter}

work=$(mktemp -d /tmp/bench-dns.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); p = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p); break'
}

mkdir -p "$work/zones"
cp "$here/bench.test.zone" "$work/zones/"
nsd_port=$(free_port)
apr_port=$(free_port)
while [ "$apr_port" = "$nsd_port" ]; do apr_port=$(free_port); done

cat >"$work/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$nsd_port
    username: ""
    chroot: ""
    zonesdir: "$work/zones"
    pidfile: "$work/nsd.pid"
    zonelistfile: "$work/zone.list"
    xfrdfile: "$work/xfrd.state"
    xfrdir: "$work"
    database: "$work/nsd.db"
    logfile: "$work/nsd.log"
    server-count: 1
    verbosity: 0
    minimal-responses: yes
    refuse-any: no
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: bench.test
    zonefile: bench.test.zone
EOF
nsd-checkconf "$work/nsd.conf"

cat >"$work/lab.yaml" <<EOF
listeners: {dns: "127.0.0.1:$apr_port", https: "127.0.0.1:0", http: "127.0.0.1:0", admin: "127.0.0.1:0"}
stateDir: ./state
certsDir: ./certs
zonesDir: ./zones
hostedZones:
  - {name: bench.test, file: bench.test.zone}
EOF

nsd_bin=$(command -v nsd || echo /usr/sbin/nsd)
(cd "$work" && exec taskset -c "$server_core" "$nsd_bin" -d -c "$work/nsd.conf") &
nsd_pid=$!
pids+=("$nsd_pid")
(cd "$work" && exec taskset -c "$server_core" "$binary" serve --config "$work/lab.yaml" --log-level warning \
    2>"$work/aprouter.log") &
apr_pid=$!
pids+=("$apr_pid")

wait_ready() { # port name
    for _ in $(seq 100); do
        if [ "$(dig +short +time=1 +tries=1 -p "$1" @127.0.0.1 host1.bench.test A 2>/dev/null)" = "127.0.31.2" ]; then
            return 0
        fi
        sleep 0.1
    done
    echo "bench/dns: $2 is not answering on port $1" >&2
    cat "$work"/*.log >&2 || true
    exit 1
}
wait_ready "$nsd_port" nsd
wait_ready "$apr_port" aprouter

# CPU ticks (utime+stime) of a process and all its descendants.
cpu_ticks() {
    python3 - "$1" <<'EOF'
import os, sys
root = int(sys.argv[1])
stats = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime+stime
tree, total, grew = {root}, 0, True
while grew:
    grew = False
    for pid, (ppid, _) in stats.items():
        if ppid in tree and pid not in tree:
            tree.add(pid)
            grew = True
print(sum(stats[pid][1] for pid in tree if pid in stats))
EOF
}
hz=$(getconf CLK_TCK)

declare -A qps latency cpu
run() { # name pid port mode
    local name=$1 pid=$2 port=$3 mode=$4 out="$work/dnsperf-$1-$4.txt"
    # A short warm-up (caches, NIO's threads, TCP accept path), not measured.
    taskset -c "$client_core" dnsperf -m "$mode" -s 127.0.0.1 -p "$port" -d "$here/queries.txt" -l 1 \
        -c "$clients" -q "$outstanding" >/dev/null 2>&1 || true
    local before after
    before=$(cpu_ticks "$pid")
    taskset -c "$client_core" dnsperf -m "$mode" -s 127.0.0.1 -p "$port" -d "$here/queries.txt" -l "$duration" \
        -c "$clients" -q "$outstanding" >"$out" 2>&1
    after=$(cpu_ticks "$pid")
    local completed lost
    completed=$(awk '/Queries completed:/ {print $3}' "$out")
    lost=$(awk '/Queries lost:/ {print $3}' "$out")
    qps[$name-$mode]=$(awk '/Queries per second:/ {printf "%.0f", $4}' "$out")
    # The first "Average Latency" is the queries'; over TCP a second one follows for connections.
    latency[$name-$mode]=$(awk '/Average Latency/ {printf "%.0f", $4 * 1e6; exit}' "$out")
    cpu[$name-$mode]=$(python3 -c "print(f'{($after - $before) / $hz / $completed * 1e6:.2f}')")
    echo "bench/dns: $name $mode: ${qps[$name-$mode]} qps, ${latency[$name-$mode]} µs average latency," \
        "${cpu[$name-$mode]} µs server CPU/query ($completed completed, $lost lost)" >&2
    grep -q "NOERROR\|NXDOMAIN" "$out" || { cat "$out" >&2; exit 1; }
}

for mode in udp tcp; do
    run nsd "$nsd_pid" "$nsd_port" "$mode"
    run aprouter "$apr_pid" "$apr_port" "$mode"
done

# The answers must be real answers: dnsperf's rcode counts for each run.
for file in "$work"/dnsperf-*.txt; do
    echo "bench/dns: $(basename "$file" .txt): $(grep -A3 'Response codes' "$file" | tr -s ' \n' ' ')" >&2
done

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "| server | transport | qps | average latency | server CPU per query |"
echo "|---|---|---|---|---|"
for mode in udp tcp; do
    for name in nsd aprouter; do
        echo "| $name | $mode | ${qps[$name-$mode]} | ${latency[$name-$mode]} µs | ${cpu[$name-$mode]} µs |"
    done
    echo "| aprouter/NSD | $mode | $(ratio "${qps[aprouter-$mode]}" "${qps[nsd-$mode]}") |" \
        "$(ratio "${latency[aprouter-$mode]}" "${latency[nsd-$mode]}") |" \
        "$(ratio "${cpu[aprouter-$mode]}" "${cpu[nsd-$mode]}") |"
done
echo "(DURATION=$duration s per run, dnsperf -c $clients -q $outstanding, servers on core $server_core," \
    "dnsperf on core $client_core, $(date -u +%Y-%m-%d))"
