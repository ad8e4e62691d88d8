#!/usr/bin/env python3
"""Per-operation hot spots from two callgrind runs of the same case with N1 and N2 operations.

usage: callgrind_diff.py OUT_N1 N1 OUT_N2 N2 [TOP]

Prints the total instructions per operation, (I(N2) - I(N1)) / (N2 - N1), then the TOP functions (default 5) by the
same difference of their self cost (callgrind_annotate's exclusive Ir), so start-up work cancels out, and the TOP
functions of our own libraries (S3Auth, PolicyEngine, AccessPointCore) by inclusive cost, which says whose call the
self costs come from. Self costs of the Swift runtime (retain, release, String indexing) are spread across callers.
"""
import re
import subprocess
import sys


OUR_MODULES = tuple(f"$s{m}" for m in ("6S3Auth", "12PolicyEngine", "15AccessPointCore"))


def self_costs(path, inclusive=False):
    text = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--auto=no", f"--inclusive={'yes' if inclusive else 'no'}", path],
        check=True, capture_output=True, text=True,
    ).stdout
    total = None
    costs = {}
    for line in text.splitlines():
        match = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if not match:
            continue
        value = int(match.group(1).replace(",", ""))
        name = match.group(2).strip()
        if name.startswith("PROGRAM TOTALS"):
            total = value
        else:
            costs[name] = costs.get(name, 0) + value
    return total, costs


def demangle(names):
    try:
        out = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                             check=True, capture_output=True, text=True).stdout.splitlines()
        return out if len(out) == len(names) else names
    except (OSError, subprocess.CalledProcessError):
        return names


def main():
    first, n1, second, n2 = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    total1, costs1 = self_costs(first)
    total2, costs2 = self_costs(second)
    per_op = (total2 - total1) / (n2 - n1)
    print(f"instructions per operation: {per_op:,.0f}  (I({n2}) = {total2:,}, I({n1}) = {total1:,})")
    print(f"top {top} by self cost:")
    show(costs1, costs2, n1, n2, per_op, top, lambda name: True)
    _, inclusive1 = self_costs(first, inclusive=True)
    _, inclusive2 = self_costs(second, inclusive=True)
    print(f"top {top} of our libraries by inclusive cost:")
    show(inclusive1, inclusive2, n1, n2, per_op, top, lambda name: re.sub(r"^\?\?\?:", "", name).startswith(OUR_MODULES))


def show(costs1, costs2, n1, n2, per_op, top, keep):
    deltas = sorted(
        ((costs2.get(k, 0) - costs1.get(k, 0)) / (n2 - n1), k)
        for k in set(costs1) | set(costs2)
        if keep(k) and costs2.get(k, 0) > costs1.get(k, 0)
    )
    deltas.reverse()
    chosen = deltas[:top]
    symbols = [re.sub(r"^\?\?\?:", "", name).split(" [")[0] for _, name in chosen]
    for (delta, name), pretty in zip(chosen, demangle(symbols)):
        where = name.split(" [")[-1].rstrip("]").split("/")[-1] if " [" in name else ""
        print(f"  {delta:>10,.0f} Ir/op ({delta / per_op:6.1%})  {pretty[:140]}  [{where}]")


main()
