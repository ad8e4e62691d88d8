#!/usr/bin/env bash
# The HTTPS proxy benchmark of issue 7: wrk over HTTPS with keep-alive against aprouter, against nginx as a
# TLS-terminating reverse proxy with keep-alive to the same origin, and against the floor, a bare SwiftNIO TLS reverse
# proxy (aprouter-bench nio-proxy), and against the raw floor, a Swift TLS reverse proxy without SwiftNIO (one
# thread, epoll, the system's OpenSSL 3: bench/rawfloor), in one run, side by side. Prints markdown rows for
# bench/README.md, with the ratios aprouter/nginx, aprouter/floor, floor/nginx and raw/nginx.
#
#   bench/router/run.sh                  # everything below; about a minute after the build
#   SKIP_BUILD=1 bench/router/run.sh     # use the existing .build/release/aprouter (or BINARY=path) and the
#                                        # existing release aprouter-bench of bench/
#   FLOOR=0 bench/router/run.sh          # without the floor (neither built nor run)
#   RAW=0 bench/router/run.sh            # without the raw floor (neither built nor run)
#   DURATION=20 CONNECTIONS=64 bench/router/run.sh
#   ENGINE=socket bench/router/run.sh    # aprouter's HTTPS listener on the socket engine (`--engine socket`)
#   PERF=/some/dir bench/router/run.sh   # also `perf record -g` aprouter during its 1 KiB run (perf-small.data)
#                                        # and its 1 GiB GET (perf-large.data),
#                                        # and the others during theirs (perf-small-floor.data, -raw, -nginx: its
#                                        # worker)
#   PERF=dir PERF_EVENT=syscalls:sys_enter_epoll_ctl bench/router/run.sh   # the same, sampling another event
#   SYSCALLS=/some/dir bench/router/run.sh   # also count each proxy's system calls (strace -c) in the 1 KiB runs,
#                                            # and print them per request
#   COUNT=probe_libc:malloc bench/router/run.sh   # also count an event in aprouter per 1 KiB request (perf stat;
#       that uprobe is made once with `perf probe -x /lib/x86_64-linux-gnu/libc.so.6 malloc`)
#   CALLGRIND=/some/dir bench/router/run.sh   # instead of the timed runs: aprouter under callgrind, then
#       REQUESTS (default 1000) presigned 1 KiB GETs on one keep-alive connection after WARMUP (200) others,
#       then the same against nginx (one process, `master_process off`, also under callgrind);
#       callgrind's counters are zeroed before those requests and dumped after them, so the dumps
#       ($CALLGRIND/callgrind.out.aprouter and .nginx) hold exactly their user-space instructions, and the script
#       prints them per request with the ratio. Instruction counts repeat from run to run where wall-clock figures
#       do not; read a dump with `callgrind_annotate`. FLOOR=0 RAW=0 are implied. PARALLEL=N sends them on N
#       connections at once (REQUESTS/N on each), so that the loop finds several connections ready per turn, as
#       under wrk. CALLGRIND_OPTIONS adds valgrind options to both, e.g. "--cache-sim=yes --branch-sim=yes" for
#       simulated cache misses and mispredicted branches beside the instructions (callgrind_annotate shows them).
#
# What is measured:
# - The origin is a second nginx serving static files (obj-1k: 1 KiB, obj-1g: 1 GiB) from a folder named like the
#   bucket, so both proxies, not a store, are measured. aprouter forwards to it as a bucket on an S3-compatible
#   server (path-style, re-signed with SigV4 by UpstreamStore, UNSIGNED-PAYLOAD); a static nginx ignores that
#   signature, which is fine for a proxy benchmark: the router still computes it. nginx proxies with proxy_pass.
# - The floor (bench/Sources/aprouter-bench/NIOProxy.swift) is aprouter's stack without aprouter: NIOSSL, NIOHTTP1's
#   server and client codecs, channel handlers on one event loop, one keep-alive origin connection per client
#   connection. Like nginx it forwards each request's path unchanged with Host set to the origin, and checks nothing.
# - The raw floor (bench/rawfloor, `rawproxy`) does the same without SwiftNIO: one thread, level-triggered epoll,
#   OpenSSL 3 (the library nginx links here) reading the socket itself; GET and HEAD only, Content-Length responses.
# - The client request to aprouter is a presigned GET made by the aws CLI for an access point ARN, so every
#   request pays the presigned SigV4 check, the access point lookup and the policy decision (alice is allowed by
#   her identity policy; the access point and bucket have none). nginx checks nothing.
# - All proxies use the same certificate and key (the lab's, made by aprouter) and are pinned to core 0; wrk,
#   curl and the origin share core 1 (taskset). aprouter logs at `warning` (no access log); nginx has access_log off.
# - 1 KiB GETs: wrk -t2 -c$CONNECTIONS for DURATION s after a 2 s warm-up; requests/s, average, p50 and p99
#   latency; any non-2xx answer or socket error fails the run. Server CPU per request = utime+stime of the proxy's
#   process tree from /proc/PID/stat, after minus before, over the requests wrk completed: the figure that does not
#   depend on how fast the client can send.
# - 1 GiB GET: one curl download on one connection (MB/s = 10^6 bytes/s), its size checked, and the proxy's CPU
#   seconds for it.
# - Peak RSS (VmHWM) of aprouter, of the floors and of the nginx proxy's worker at the end of the run.
# - CALLGRIND=dir counts instructions instead: valgrind 3.19 cannot read the release binary's DWARF 5, so the script
#   runs a copy without debug information (`objcopy --strip-debug`; function names stay).
# Needs: nginx (nginx-light), wrk, curl, taskset, the aws CLI, python3 (perf for PERF=), libssl-dev (the raw floor). Traffic to 127.0.0.1 only; the
# ports (18080 origin, 18443/18081/18053/18090 aprouter, 19443 nginx proxy, 19444 floor, 19445 raw floor) must be free. Everything
# started is stopped, and the temporary folder removed, on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
proxy_core=${PROXY_CORE:-0}
client_core=${CLIENT_CORE:-1}
floor=${FLOOR:-1}
raw=${RAW:-1}
if [ -n "${CALLGRIND:-}" ]; then
    floor=0 raw=0
    command -v valgrind >/dev/null || { echo "bench/router: valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
    mkdir -p "$CALLGRIND"
    CALLGRIND=$(cd "$CALLGRIND" && pwd)
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for tool in "$nginx" wrk curl taskset aws python3; do
    command -v "$tool" >/dev/null || { echo "bench/router: $tool is missing (apt-get install nginx-light wrk)" >&2; exit 2; }
done
for port in 18080 18443 18081 18053 18090 19443 19444 19445; do
    if ss -Htlnu "sport = :$port" | grep -q .; then
        echo "bench/router: port $port is in use; this benchmark needs it" >&2
        exit 2
    fi
done
if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$root" && swift build -c release --product aprouter) >&2
    if [ "$floor" = 1 ]; then (cd "$root/bench" && swift build -c release --product aprouter-bench) >&2; fi
    if [ "$raw" = 1 ]; then (cd "$root/bench/rawfloor" && swift build -c release --product rawproxy) >&2; fi
fi
binary=${BINARY:-$root/.build/release/aprouter}
if [ "$floor" = 1 ]; then
    floor_binary=$(cd "$root/bench" && swift build -c release --show-bin-path)/aprouter-bench
    [ -x "$floor_binary" ] || { echo "bench/router: $floor_binary is missing; build it or set FLOOR=0" >&2; exit 2; }
fi
if [ "$raw" = 1 ]; then
    raw_binary=$(cd "$root/bench/rawfloor" && swift build -c release --show-bin-path)/rawproxy
    [ -x "$raw_binary" ] || { echo "bench/router: $raw_binary is missing; build it or set RAW=0" >&2; exit 2; }
fi

work=$(mktemp -d /tmp/bench-router.XXXXXX)
chmod 755 "$work" # nginx workers run as nobody and read the origin's files
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # Up to 10 s to exit (a server under valgrind may take its time, or miss the signal), then killed.
    for _ in $(seq 100); do
        local alive=0
        for pid in "${pids[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)

# The origin: static files under origin/bench-bucket/, as a path-style S3 GET names them.
mkdir -p "$work/origin/bench-bucket" "$work/logs"
head -c 1024 /dev/urandom >"$work/origin/bench-bucket/obj-1k"
head -c $((1 << 30)) /dev/zero >"$work/origin/bench-bucket/obj-1g"
chmod -R a+rX "$work/origin"
cat >"$work/origin.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/origin.pid;
error_log $work/logs/origin-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:18080; root $work/origin; }
}
CONF
taskset -c "$client_core" "$nginx" -e "$work/logs/origin-error.log" -c "$work/origin.conf" -p "$work" &
pids+=($!)

# aprouter with one bucket on the origin.
cat >"$work/lab.yaml" <<LAB
listeners: {https: "127.0.0.1:18443", http: "127.0.0.1:18081", dns: "127.0.0.1:18053", admin: "127.0.0.1:18090"}
accounts:
  - id: "123456789012"
    users:
      - {name: alice, accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
         policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}}
buckets:
  - name: bench-bucket
    account: "123456789012"
    store: {endpoint: "http://127.0.0.1:18080", bucket: bench-bucket, accessKeyId: ORIGINKEY, secretAccessKey: origin-secret, pathStyle: true}
LAB
start_aprouter() { # starts aprouter on the proxy core; sets apr_pid
    local wrap=() served=$binary
    if [ -n "${CALLGRIND:-}" ]; then
        served=$work/aprouter
        objcopy --strip-debug "$binary" "$served"
        wrap=(valgrind --tool=callgrind --dump-instr=no ${CALLGRIND_OPTIONS:-} "--callgrind-out-file=$CALLGRIND/callgrind.out.%p")
    fi
    (cd "$work" && exec taskset -c "$proxy_core" "${wrap[@]}" "$served" serve --config lab.yaml \
        --log-level warning --engine "${ENGINE:-nio}" 2>>"$work/logs/aprouter.log") &
    apr_pid=$!
    pids+=("$apr_pid")
    for _ in $(seq 1800); do
        curl -s -o /dev/null "http://127.0.0.1:18090/ready" && [ -f "$work/certs/server.pem" ] && return 0
        kill -0 "$apr_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench/router: aprouter did not become ready" >&2
    cat "$work/logs/aprouter.log" >&2
    exit 1
}
start_aprouter

# nginx as the TLS-terminating reverse proxy, with the same certificate and keep-alive to the same origin. Bodies
# stream through memory buffers only (proxy_max_temp_file_size 0), as aprouter streams: nothing is spooled to disk.
cat >"$work/proxy.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/proxy.pid;
error_log $work/logs/proxy-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    upstream origin { server 127.0.0.1:18080; keepalive 64; }
    server {
        listen 127.0.0.1:19443 ssl;
        ssl_certificate $work/certs/server.pem;
        ssl_certificate_key $work/certs/server-key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_max_temp_file_size 0;
        }
    }
}
CONF
nginx_wrap=()
if [ -n "${CALLGRIND:-}" ]; then
    # One process (no master), so that callgrind sees the worker's requests.
    sed -i 's/^daemon off;/daemon off;\nmaster_process off;/' "$work/proxy.conf"
    nginx_wrap=(valgrind --tool=callgrind --dump-instr=no ${CALLGRIND_OPTIONS:-} "--callgrind-out-file=$CALLGRIND/callgrind.out.nginx.%p")
fi
taskset -c "$proxy_core" "${nginx_wrap[@]}" "$nginx" -e "$work/logs/proxy-error.log" -c "$work/proxy.conf" -p "$work" &
nginx_pid=$!
pids+=("$nginx_pid")

# The floor, with the same certificate and origin, on the proxy core.
if [ "$floor" = 1 ]; then
    taskset -c "$proxy_core" "$floor_binary" nio-proxy --listen 127.0.0.1:19444 --origin 127.0.0.1:18080 \
        --certificate "$work/certs/server.pem" --key "$work/certs/server-key.pem" >>"$work/logs/floor.log" 2>&1 &
    floor_pid=$!
    pids+=("$floor_pid")
fi
if [ "$raw" = 1 ]; then
    taskset -c "$proxy_core" "$raw_binary" --listen 127.0.0.1:19445 --origin 127.0.0.1:18080 \
        --certificate "$work/certs/server.pem" --key "$work/certs/server-key.pem" >>"$work/logs/raw.log" 2>&1 &
    raw_pid=$!
    pids+=("$raw_pid")
fi

# aws CLI v1 presigns with SigV2 unless told otherwise.
printf '[default]\ns3 =\n    signature_version = s3v4\n' >"$work/aws-config"
export AWS_CA_BUNDLE="$work/certs/ca.pem" AWS_DEFAULT_REGION=us-west-2 AWS_CONFIG_FILE="$work/aws-config" \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
endpoint=https://s3.lab.localhost:18443
aws s3control create-access-point --endpoint-url "$endpoint" --account-id 123456789012 --name bench-ap \
    --bucket bench-bucket >/dev/null
arn=arn:aws:s3:us-west-2:123456789012:accesspoint/bench-ap
small=$(aws s3 presign --endpoint-url "$endpoint" --expires-in 3600 "s3://$arn/obj-1k")
large=$(aws s3 presign --endpoint-url "$endpoint" --expires-in 3600 "s3://$arn/obj-1g")
nginx_small="https://127.0.0.1:19443/bench-bucket/obj-1k"
nginx_large="https://127.0.0.1:19443/bench-bucket/obj-1g"
floor_small="https://127.0.0.1:19444/bench-bucket/obj-1k"
floor_large="https://127.0.0.1:19444/bench-bucket/obj-1g"
raw_small="https://127.0.0.1:19445/bench-bucket/obj-1k"
raw_large="https://127.0.0.1:19445/bench-bucket/obj-1g"
echo "bench/router: presigned URL: $small" >&2

status() { curl -s -o /dev/null -w '%{http_code}' --cacert "$AWS_CA_BUNDLE" "$1"; }
# The registry's snapshot reaches the router shortly after the access point is created.
for _ in $(seq 50); do [ "$(status "$small")" = 200 ] && break; sleep 0.1; done
urls=("$small" "$nginx_small")
if [ "$floor" = 1 ]; then
    for _ in $(seq 50); do [ "$(status "$floor_small")" = 200 ] && break; sleep 0.1; done
    urls+=("$floor_small")
fi
if [ "$raw" = 1 ]; then
    for _ in $(seq 50); do [ "$(status "$raw_small")" = 200 ] && break; sleep 0.1; done
    urls+=("$raw_small")
fi
for url in "${urls[@]}"; do
    [ "$(status "$url")" = 200 ] || {
        echo "bench/router: $url does not answer 200:" >&2
        curl -s -i --cacert "$AWS_CA_BUNDLE" "$url" >&2 || true
        tail -n 20 "$work/logs/"*.log >&2
        exit 1
    }
done
cmp -s <(curl -s --cacert "$AWS_CA_BUNDLE" "$small") "$work/origin/bench-bucket/obj-1k" || {
    echo "bench/router: aprouter's 1 KiB body differs from the origin's file" >&2
    exit 1
}
if [ "$floor" = 1 ] && ! cmp -s <(curl -s --cacert "$AWS_CA_BUNDLE" "$floor_small") "$work/origin/bench-bucket/obj-1k"; then
    echo "bench/router: the floor's 1 KiB body differs from the origin's file" >&2
    exit 1
fi
if [ "$raw" = 1 ] && ! cmp -s <(curl -s --cacert "$AWS_CA_BUNDLE" "$raw_small") "$work/origin/bench-bucket/obj-1k"; then
    echo "bench/router: the raw floor's 1 KiB body differs from the origin's file" >&2
    exit 1
fi
# The TLS each proxy negotiates with an OpenSSL client (wrk and curl use OpenSSL).
cipher() { curl -sv -o /dev/null --cacert "$AWS_CA_BUNDLE" "$1" 2>&1 | sed -n 's/^\* SSL connection using \(.*\)/\1/p'; }
a_tls=$(cipher "$small")
n_tls=$(cipher "$nginx_small")
if [ "$floor" = 1 ]; then f_tls=$(cipher "$floor_small"); fi
if [ "$raw" = 1 ]; then r_tls=$(cipher "$raw_small"); fi
echo "bench/router: TLS: aprouter $a_tls; nginx $n_tls${f_tls:+; floor $f_tls}${r_tls:+; raw floor $r_tls}" >&2

if [ -n "${CALLGRIND:-}" ]; then
    nginx_version=$("$nginx" -v 2>&1 | sed 's/.*nginx\///')
    requests=${REQUESTS:-1000}
    # Instructions per request of the process PID serving URL; the dump is left in $CALLGRIND/callgrind.out.NAME.
    # PARALLEL (1 by default) keep-alive connections are opened and each sends WARMUP/PARALLEL GETs; callgrind's
    # counters are zeroed; then each sends REQUESTS/PARALLEL more on the same connection, all at once (no TLS
    # handshake is counted), and the counters are dumped. Every answer is checked (200, the object's 1,024 bytes).
    counted() { # NAME PID URL
        local dump total
        taskset -c "$client_core" python3 - "$3" "$AWS_CA_BUNDLE" "${WARMUP:-200}" "$requests" "${PARALLEL:-1}" "$2" \
            <<'EOF'
import http.client, ssl, subprocess, sys, threading, urllib.parse
url, ca = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2]
warmup, count, parallel, pid = (int(argument) for argument in sys.argv[3:7])
context = ssl.create_default_context(cafile=ca)
connections = [http.client.HTTPSConnection(url.hostname, url.port, context=context) for _ in range(parallel)]
failures = []

def send(connection, count):
    for _ in range(count):
        connection.request("GET", f"{url.path}?{url.query}")
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200 or len(body) != 1024:
            failures.append(f"bench/router: a GET under callgrind answered {answer.status} with {len(body)} bytes")
            return

def on_every_connection(count):
    threads = [threading.Thread(target=send, args=(connection, count // parallel)) for connection in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(failures[0])

on_every_connection(warmup)
subprocess.run(["callgrind_control", "-z", str(pid)], capture_output=True, check=True)
on_every_connection(count)
subprocess.run(["callgrind_control", "-d", "requests", str(pid)], capture_output=True, check=True)
EOF
        dump=$(ls -t "$CALLGRIND"/callgrind.out.*"$2".* | head -1)
        mv "$dump" "$CALLGRIND/callgrind.out.$1"
        total=$(callgrind_annotate "$CALLGRIND/callgrind.out.$1" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
        echo $((total / requests))
    }
    a_ir=$(counted aprouter "$apr_pid" "$small")
    n_ir=$(counted nginx "$nginx_pid" "$nginx_small")
    echo "bench/router: instructions per 1 KiB GET under callgrind ($requests on ${PARALLEL:-1} keep-alive connection(s) after" \
        "${WARMUP:-200}; user space only): aprouter (--engine ${ENGINE:-nio}) $a_ir, nginx $nginx_version $n_ir," \
        "ratio $(python3 -c "print(f'{$a_ir / $n_ir:.2f}')") ($CALLGRIND/callgrind.out.aprouter, .nginx)"
    if [[ "${CALLGRIND_OPTIONS:-}" == *-sim=yes* ]]; then
        # Every event the simulation recorded, per request, from each dump's `events:` and `summary:` lines.
        python3 - "$requests" "$CALLGRIND/callgrind.out.aprouter" "$CALLGRIND/callgrind.out.nginx" <<'EOF'
import sys
requests = int(sys.argv[1])
rows = []
for path in sys.argv[2:]:
    lines = dict(line.rstrip("\n").split(": ", 1) for line in open(path) if line.startswith(("events:", "summary:")))
    rows.append(dict(zip(lines["events"].split(), (int(value) / requests for value in lines["summary"].split()))))
print("bench/router: per request, simulated (callgrind's names: I1mr L1 instruction misses, D1mr/D1mw L1 data "
      "misses, Bcm/Bim mispredicted conditional/indirect branches):")
for name, row in zip(("aprouter", "nginx"), rows):
    print(f"bench/router:   {name}: " + ", ".join(f"{event} {value:,.0f}" for event, value in row.items()))
EOF
    fi
    exit 0
fi

# CPU ticks of a process and all its descendants (nginx's worker is a child of its master): utime+stime, utime,
# stime.
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
        stats[int(entry)] = (int(fields[1]), (int(fields[11]), int(fields[12])))  # ppid, (utime, stime)
tree, grew = {root}, True
while grew:
    grew = False
    for pid, (ppid, _) in stats.items():
        if ppid in tree and pid not in tree:
            tree.add(pid)
            grew = True
user = sum(stats[pid][1][0] for pid in tree if pid in stats)
system = sum(stats[pid][1][1] for pid in tree if pid in stats)
print(user + system, user, system)
EOF
}
hz=$(getconf CLK_TCK)
# Peak resident set (KiB) of a process, or of its first child (nginx's worker).
peak_rss() {
    local pid=$1
    if [ "${2:-}" = child ]; then pid=$(pgrep -P "$pid" | head -1); fi
    awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"
}

declare -A rps avg p50 p99 cpu split mbps bigcpu
small_run() { # name pid url
    local name=$1 pid=$2 url=$3 out="$work/wrk-$1.txt"
    taskset -c "$client_core" wrk -t2 -c"$connections" -d2s "$url" >/dev/null # warm-up: connections, pools
    local before after requests
    read -r before before_user before_system < <(cpu_ticks "$pid")
    if [ -n "${SYSCALLS:-}" ]; then
        local traced=$pid
        [ "$name" = nginx ] && traced=$(pgrep -P "$pid" | head -1)
        strace -f -c -p "$traced" -o "$SYSCALLS/syscalls-$name.txt" &
        strace_pid=$!
        ( sleep "$duration"; kill -INT "$strace_pid" ) &
    fi
    if [ -n "${COUNT:-}" ] && [ "$name" = aprouter ]; then
        perf stat -x, -e "$COUNT" -p "$pid" -o "$work/count.txt" -- sleep "$duration" &
        count_pid=$!
    fi
    if [ -n "${PERF:-}" ]; then
        local data=perf-small-$name.data perfed=$pid
        [ "$name" = aprouter ] && data=perf-small.data
        [ "$name" = nginx ] && perfed=$(pgrep -P "$pid" | head -1)
        perf record ${PERF_EVENT:+-e $PERF_EVENT} -F 1999 -g -p "$perfed" -o "$PERF/$data" -- sleep "$duration" 2>>"$PERF/perf-record.log" &
        perf_pid=$!
    fi
    taskset -c "$client_core" wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" >"$out"
    if [ -n "${perf_pid:-}" ]; then wait "$perf_pid" || true; perf_pid=""; fi
    if [ -n "${count_pid:-}" ]; then
        wait "$count_pid" || true
        count_pid=""
        local events
        events=$(awk -F, -v e="$COUNT" '$3 == e {print $1}' "$work/count.txt")
        echo "bench/router: $name: $COUNT $(python3 -c "print(f'{$events / $(awk '/requests in/ {print $1}' "$out"):.1f}')")" \
            "per request ($events events; perf stat over the same ${duration} s as wrk)" >&2
    fi
    if [ -n "${strace_pid:-}" ]; then
        wait "$strace_pid" || true
        strace_pid=""
        local calls
        calls=$(awk '$NF == "total" {print $4}' "$SYSCALLS/syscalls-$name.txt")
        echo "bench/router: $name: $(python3 -c "print(f'{$calls / $(awk '/requests in/ {print $1}' "$out"):.2f}')")" \
            "system calls per request under strace ($calls over ${duration} s; strace slows the server, so this" \
            "run's CPU and requests/s figures are not comparable)" >&2
    fi
    read -r after after_user after_system < <(cpu_ticks "$pid")
    if grep -q "Non-2xx\|Socket errors" "$out"; then
        echo "bench/router: $name: errors in wrk's output" >&2
        cat "$out" >&2
        exit 1
    fi
    requests=$(awk '/requests in/ {print $1}' "$out")
    rps[$name]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out")
    avg[$name]=$(awk '/^ +Latency/ {print $2; exit}' "$out")
    p50[$name]=$(awk '/^ +50%/ {print $2}' "$out")
    p99[$name]=$(awk '/^ +99%/ {print $2}' "$out")
    cpu[$name]=$(python3 -c "print(f'{($after - $before) / $hz / $requests * 1e6:.1f}')")
    split[$name]=$(python3 -c "print(f'user {($after_user - $before_user) / $hz / $requests * 1e6:.1f} µs,' \
        f' system {($after_system - $before_system) / $hz / $requests * 1e6:.1f} µs')")
    echo "bench/router: $name: ${rps[$name]} requests/s, latency avg ${avg[$name]} p50 ${p50[$name]}" \
        "p99 ${p99[$name]}, ${cpu[$name]} µs server CPU/request ($requests requests; ${split[$name]})" >&2
}
large_run() { # name pid url
    local name=$1 pid=$2 url=$3 before after result large_perf=""
    if [ -n "${PERF:-}" ] && [ "$name" = aprouter ]; then
        perf record ${PERF_EVENT:+-e $PERF_EVENT} -F 1999 -g -p "$pid" -o "$PERF/perf-large.data" \
            2>>"$PERF/perf-record.log" &
        large_perf=$!
    fi
    read -r before _ _ < <(cpu_ticks "$pid")
    result=$(taskset -c "$client_core" curl -s --cacert "$AWS_CA_BUNDLE" -o /dev/null \
        -w '%{http_code} %{size_download} %{speed_download}' "$url")
    read -r after _ _ < <(cpu_ticks "$pid")
    if [ -n "$large_perf" ]; then
        kill -INT "$large_perf"
        wait "$large_perf" || true
    fi
    read -r code size speed <<<"$result"
    [ "$code" = 200 ] && [ "$size" = $((1 << 30)) ] || {
        echo "bench/router: $name: 1 GiB GET answered $code with $size bytes" >&2
        exit 1
    }
    mbps[$name]=$(python3 -c "print(round($speed / 1e6))")
    bigcpu[$name]=$(python3 -c "print(f'{($after - $before) / $hz:.2f}')")
    echo "bench/router: $name: 1 GiB GET ${mbps[$name]} MB/s, ${bigcpu[$name]} s server CPU" >&2
}

small_run aprouter "$apr_pid" "$small"
if [ "$floor" = 1 ]; then small_run floor "$floor_pid" "$floor_small"; fi
if [ "$raw" = 1 ]; then small_run raw "$raw_pid" "$raw_small"; fi
small_run nginx "$nginx_pid" "$nginx_small"
large_run aprouter "$apr_pid" "$large"
if [ "$floor" = 1 ]; then large_run floor "$floor_pid" "$floor_large"; fi
if [ "$raw" = 1 ]; then large_run raw "$raw_pid" "$raw_large"; fi
large_run nginx "$nginx_pid" "$nginx_large"
declare -A rss
rss[aprouter]="$(($(peak_rss "$apr_pid") / 1024)) MiB"
if [ "$floor" = 1 ]; then rss[floor]="$(($(peak_rss "$floor_pid") / 1024)) MiB"; fi
if [ "$raw" = 1 ]; then rss[raw]="$(($(peak_rss "$raw_pid") / 1024)) MiB"; fi
rss[nginx]="$(($(peak_rss "$nginx_pid" child) / 1024)) MiB (worker)"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
ms() { python3 -c "import re, sys; v, u = re.match(r'([\d.]+)(\w+)', sys.argv[1]).groups(); print(float(v) * {'us': 1e-3, 'ms': 1, 's': 1e3}[u])" "$1"; }
lat_ratio() { ratio "$(ms "$1")" "$(ms "$2")"; }
no_ratio() { :; }
nginx_version=$("$nginx" -v 2>&1 | sed 's/.*nginx\///')
# Columns: the contestants, then the ratios between pairs of them.
contestants=(aprouter nginx)
pairs=("aprouter nginx")
if [ "$floor" = 1 ]; then
    contestants=(aprouter floor nginx)
    pairs+=("aprouter floor" "floor nginx")
fi
if [ "$raw" = 1 ]; then
    contestants+=(raw)
    pairs+=("raw nginx")
fi
declare -A title=([aprouter]=aprouter [floor]="NIO floor" [raw]="raw floor" [nginx]="nginx $nginx_version (TLS proxy)")
row() { # label, name of the array of values, unit after each value, function for the ratio of two values
    local -n values=$2
    local line="| $1 |" contestant pair a b
    for contestant in "${contestants[@]}"; do line+=" ${values[$contestant]}$3 |"; done
    for pair in "${pairs[@]}"; do
        read -r a b <<<"$pair"
        line+=" $($4 "${values[$a]}" "${values[$b]}") |"
    done
    echo "$line"
}
header="| what |" rule="|---|"
for contestant in "${contestants[@]}"; do header+=" ${title[$contestant]} |"; rule+="---|"; done
for pair in "${pairs[@]}"; do header+=" ${pair% *}/${pair#* } |"; rule+="---|"; done
echo "$header"
echo "$rule"
row "1 KiB GET, requests/s (wrk -t2 -c$connections, ${duration} s, keep-alive)" rps "" ratio
row "1 KiB GET, latency average" avg "" lat_ratio
row "1 KiB GET, latency p50" p50 "" lat_ratio
row "1 KiB GET, latency p99" p99 "" lat_ratio
row "1 KiB GET, server CPU per request (/proc/PID/stat)" cpu " µs" ratio
row "1 KiB GET, server CPU per request, user and system" split "" no_ratio
row "1 GiB GET, MB/s (curl, one connection)" mbps "" ratio
row "1 GiB GET, server CPU" bigcpu " s" ratio
row "peak RSS (VmHWM) at the end of the run" rss "" no_ratio
echo "(TLS: aprouter $a_tls, nginx $n_tls${f_tls:+, floor $f_tls}${r_tls:+, raw floor $r_tls}; proxies on core $proxy_core, wrk/curl/origin on core $client_core;" \
    "$started; load average before $load_before, after the wrk/curl part $load_after)"
