#!/usr/bin/env python3
"""Calls per operation of runtime functions, and who makes them, from a callgrind dump.

usage: callgrind_calls.py CALLGRIND_OUT OPERATIONS [TOP] [FUNCTION...]

Without FUNCTION: the reference-counting calls (`swift_retain` and `swift_release`, those a release makes as it
frees an object's fields included, as are those the bridge-object forms make), allocations (`malloc`),
task-allocator frames (`swift_task_alloc`), dynamic exclusivity checks (`swift_beginAccess`) and task switches, each
per operation, then the TOP (default 30) callers of the four reference-counting entry points together
(`swift_retain`, `swift_release` and their `swift_bridgeObject` forms; a bridge-object call is listed under its
caller, not as a caller of the plain one). With FUNCTION names (mangled or as callgrind names them, e.g. `malloc`): those
functions' calls per operation and their TOP callers each. Callers are the immediate ones, demangled; a
`destroy for T` or `initializeWithCopy for T` caller is a value witness releasing or retaining the fields of a `T`.

bench/README.md ("session 16") counts retains and releases with it:
    bench/scripts/callgrind_calls.py /tmp/cg/callgrind.out.aprouter 1000
"""
import collections
import importlib.util
import os
import signal
import subprocess
import sys

SUMMARY = ["swift_retain", "swift_release", "malloc", "swift_task_alloc", "swift_beginAccess",
           "swift_task_switch"]
ARC = ["swift_retain", "swift_release"]
BRIDGE = ["swift_bridgeObjectRetain", "swift_bridgeObjectRelease"]


def load_parse():
    """`parse` of callgrind_owners.py, beside this script, without running its main."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callgrind_owners.py")
    source = open(path).read().replace("\nmain()\n", "\n")
    spec = importlib.util.spec_from_loader("callgrind_owners", loader=None)
    owners = importlib.util.module_from_spec(spec)
    exec(compile(source, path, "exec"), owners.__dict__)
    return owners.parse


def demangled(names):
    out = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), capture_output=True,
                         text=True).stdout.split("\n")
    return dict(zip(names, out))


def calls(callers, function):
    """Every caller of `function`, counting a recursive callgrind name (`f'2`) as `f`."""
    total = collections.Counter()
    for callee, by in callers.items():
        if callee == function or callee.startswith(function + "'"):
            for caller, count in by.items():
                if caller.split("'")[0] != function:
                    total[caller] += count
    return total


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    path, operations = sys.argv[1], int(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    wanted = sys.argv[4:]
    _, callers, _ = load_parse()(path)
    if not wanted:
        for function in SUMMARY:
            print(f"{sum(calls(callers, function).values()) / operations:9.1f}  {function}")
        together = calls(callers, ARC[0]) + calls(callers, ARC[1])
        print(f"{sum(together.values()) / operations:9.1f}  {' + '.join(ARC)}; by caller, with the bridge-object forms:")
        for function in BRIDGE:
            together += calls(callers, function)
        for function in BRIDGE:
            del together[function]
        chosen = together.most_common(top)
        names = demangled([caller for caller, _ in chosen])
        for caller, count in chosen:
            print(f"{count / operations:9.1f}    {names.get(caller, caller)[:150]}")
        return
    for function in wanted:
        by = calls(callers, function)
        print(f"{sum(by.values()) / operations:9.1f}  {function}")
        chosen = by.most_common(top)
        names = demangled([caller for caller, _ in chosen])
        for caller, count in chosen:
            print(f"{count / operations:9.1f}    {names.get(caller, caller)[:150]}")


main()
