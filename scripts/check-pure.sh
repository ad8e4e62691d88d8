#!/usr/bin/env bash
# The pure targets stay pure (STYLE.md §2): no NIO, no processes, no files, no sockets, no wall clock.
# AccessPointCore imports nothing at all; S3Auth and PolicyEngine import only the core, Crypto and Foundation's
# value types, and S3Auth the system OpenSSL for SHA-256 alone (Support/SHA256State.swift). Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
complain() { echo "check-pure: $1" >&2; status=1; }

if grep -rnE '^\s*(public |internal |package |@_implementationOnly )?import ' Sources/AccessPointCore; then
    complain "AccessPointCore must import nothing but the standard library (lines above)"
fi
for target in AccessPointCore S3Auth PolicyEngine; do
    [ -d "Sources/$target" ] || continue
    if grep -rnE '^\s*(public |internal |package )?import +(NIO|_NIO|Logging|Dispatch|FoundationNetworking)' "Sources/$target"; then
        complain "$target must not import NIO, Logging, Dispatch or networking (lines above)"
    fi
    if grep -rnE '\b(FileManager|FileHandle|Process\(|URLSession|fopen|Date\(\)|DispatchQueue|Thread\.)' "Sources/$target"; then
        complain "$target must not touch files, processes, the network or the clock (lines above)"
    fi
done
if grep -rlE '^\s*(public |internal |package )?import +COpenSSL' Sources/S3Auth | grep -v '/Support/SHA256State\.swift$'; then
    complain "S3Auth takes only SHA-256 from the system OpenSSL, in Support/SHA256State.swift (files above)"
fi
exit $status
