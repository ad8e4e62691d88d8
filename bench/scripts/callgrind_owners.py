#!/usr/bin/env python3
"""Instructions per operation by module, with the runtime's work charged to whoever asked for it.

usage: callgrind_owners.py CALLGRIND_OUT OPERATIONS [TOP [MODULE]]

callgrind_annotate charges retain/release, malloc, memcpy, the task allocator, exclusivity checks and the like to
those functions themselves, and async frames make its inclusive costs unreliable (a resumed continuation looks like
a call). This reads the profile's call edges instead: every function of a runtime library (libswiftCore,
libswift_Concurrency, libc, ld.so, libdispatch) is charged, with everything it called, to the nearest caller outside
those libraries, one edge up. It prints, per operation, each module's own instructions plus those it asked the
runtime for, then the TOP (default 25) functions by the same measure (of MODULE only, if given: a name as the first
list prints it). Functions of the standard library specialized into the binary count as the binary's ("aprouter").
"""
import collections
import re
import subprocess
import sys

RUNTIME = ("libswiftCore.so", "libswift_Concurrency.so", "libc.so.6", "ld-linux-x86-64.so.2", "libdispatch.so",
           "libswift_StringProcessing.so", "libFoundationEssentials.so", "libm.so.6")
# Frames that sit under everything (the thread's entry, the loop); their "self" cost is a dump artifact.
FRAMES = re.compile(r"^(clone|start_thread|\(below main\)|__libc_start_main.*|main)$|SocketLoop.*start|"
                    r"SocketLoop.*run|SelectableEventLoop.*run|NIOThread|ThreadOpsPosix")


def parse(path):
    names = {"fn": {}, "ob": {}}
    self_cost = collections.Counter()
    callers = collections.defaultdict(collections.Counter)  # callee -> caller -> calls
    object_of = {}
    current_ob = current_fn = None
    call_ob = call_fn = None
    pending_calls = None

    def name(kind, text):
        match = re.match(r"\((\d+)\)(?: (.*))?", text)
        if not match:
            return text
        key, value = match.groups()
        if value is not None:
            names[kind][key] = value
        return names[kind].get(key, key)

    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("ob="):
            current_ob = name("ob", line[3:])
        elif line.startswith("fn="):
            current_fn = name("fn", line[3:])
            object_of[current_fn] = current_ob
        elif line.startswith("cob="):
            call_ob = name("ob", line[4:])
        elif line.startswith("cfn="):
            call_fn = name("fn", line[4:])
            object_of.setdefault(call_fn, call_ob or current_ob)
        elif line.startswith("calls="):
            pending_calls = int(line[6:].split()[0])
        elif line and (line[0].isdigit() or line[0] in "+-*"):
            parts = line.split()
            cost = int(parts[1]) if len(parts) > 1 else 0
            if pending_calls is not None:
                callers[call_fn][current_fn] += pending_calls
                pending_calls = None
                call_ob = None
            else:
                self_cost[current_fn] += cost
    return self_cost, callers, object_of


def charge(self_cost, callers, object_of):
    """Every function's own instructions, the runtime's passed up to the first callers outside it."""
    owned = collections.Counter()
    pending = collections.Counter()
    for function, cost in self_cost.items():
        (pending if is_runtime(object_of.get(function)) else owned)[function] += cost
    for _ in range(12):
        if not pending:
            break
        passed = collections.Counter()
        for function, cost in pending.items():
            calls = callers.get(function)
            total = sum(calls.values()) if calls else 0
            if not total:
                owned[function] += cost
                continue
            for caller, count in calls.items():
                share = cost * count / total
                (passed if is_runtime(object_of.get(caller)) else owned)[caller] += share
        pending = passed
    for function, cost in pending.items():
        owned[function] += cost
    return owned


def is_runtime(obj):
    return obj is not None and obj.split("/")[-1] in RUNTIME


def module(function, obj):
    base = (obj or "?").split("/")[-1]
    if "BoringSSL" in function or function.startswith("sha256"):
        return "BoringSSL (swift-crypto)"
    match = re.match(r"\$s(\d+)", function)
    if match and not is_runtime(obj) and base not in ("libcrypto.so.3", "libssl.so.3"):
        length = int(match.group(1))
        start = 2 + len(match.group(1))
        return function[start:start + length]
    return base


def main():
    path, operations = sys.argv[1], int(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    self_cost, callers, object_of = parse(path)
    owned = charge(self_cost, callers, object_of)
    for function in [f for f in owned if FRAMES.search(f)]:
        del owned[function]
    by_module = collections.Counter()
    for function, cost in owned.items():
        by_module[module(function, object_of.get(function))] += cost
    total = sum(owned.values())
    print(f"per operation: {int(total // operations):,} instructions, the runtime's charged to its callers")
    for name, cost in by_module.most_common():
        if cost // operations >= 50:
            print(f"{int(cost // operations):>9,}  {name}")
    print()
    only = sys.argv[4] if len(sys.argv) > 4 else None
    chosen = [(f, c) for f, c in owned.most_common() if only is None or module(f, object_of.get(f)) == only][:top]
    rows = "\n".join(f"{int(cost // operations):>9,}  {function}" for function, cost in chosen)
    print(subprocess.run(["swift", "demangle", "--simplified"], input=rows, capture_output=True, text=True).stdout)


main()
