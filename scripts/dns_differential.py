#!/usr/bin/env python3
"""Differential test of the DNS emulator against NSD (issue 4, "Differential"; STYLE §8: NSD is the judge).

The same zone files are served publicly by NSD and by `aprouter serve` on 127.0.0.1; a seeded, generated set of
queries (hits, misses, NODATA, wildcards, CNAMEs, delegations, odd case, long names, truncation, EDNS sizes
none/512/1232/4096, UDP and TCP, names outside both zones) goes to both, byte for byte the same. For each query
the two responses must agree on:

  - rcode (with the EDNS extended rcode), the flags QR AA TC RD (RD echoed), opcode and id;
  - the question section, exactly as sent (case included: both servers echo the question's case);
  - EDNS: present exactly when the query had it, version 0, advertised payload size (NSD's default 1232);
  - the answer, authority and additional sections as sets of RRsets: owner names compared case-insensitively,
    TTL and rdata compared exactly. The additional section is compared too: with `minimal-responses: yes` NSD
    adds nothing for MX, SRV or NS answers, and for referrals it adds glue, which aprouter must add as well.

ANY is compared (NSD runs with `refuse-any: no`, so it answers ANY with every RRset at the name, as aprouter
does). Names under amazonaws.com are left out: aprouter synthesises access point zones there (its reason to
exist) and NSD knows nothing of them.

Differences that are understood and justified live in KNOWN_DIFFERENCES below, each with its reason; a query
matching one is counted, not failed. Anything else is printed and the script exits 1.

    python3 scripts/dns_differential.py              # builds nothing: needs .build/debug/aprouter
    python3 scripts/dns_differential.py --serve      # start both servers, print their ports, wait for Ctrl-C
    python3 scripts/dns_differential.py --verbose    # also print every known difference and its reason
    python3 scripts/dns_differential.py --break      # aprouter gets one changed address: must exit 1

Needs: nsd (Debian), dnspython (PyPI), a built aprouter (`swift build`). Finishes in a few seconds.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

try:
    import dns.edns
    import dns.flags
    import dns.message
    import dns.name
    import dns.opcode
    import dns.rcode
    import dns.rdataclass
    import dns.rdatatype
    import dns.rrset
except ImportError:
    sys.exit("dns-differential: dnspython is missing; run scripts/install-deps.sh (pip install dnspython)")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/PrivateDNSTests/Fixtures/zones/good"
SEED = 4  # issue 4
QUERY_COUNT = 800

# A second zone covering what the fixture does not: apex and deeper wildcards, MX/TXT/SRV, longer CNAME chains,
# a CNAME onto a wildcard, a wildcard CNAME, cross-zone CNAMEs, empty non-terminals, owner names in odd case,
# a name of 255 octets, escaped labels, RRsets big enough to truncate at 512 and at 1232, and a delegation with
# and without in-zone glue.
LONG_LABEL = "l" * 63
LONG_OWNER = f"{LONG_LABEL}.{'m' * 63}.{'n' * 63}.{'o' * 51}"  # 3 × 64 + 52 + len(diff.test.) 11 = 255 octets
BIG_A = "\n".join(f"big         IN A     127.0.21.{i}" for i in range(1, 41))  # ~700 octets: TC at 512
HUGE_A = "\n".join(f"huge        IN A     127.0.22.{i}" for i in range(1, 101))  # ~1650 octets: TC at 1232
BIG_TXT = "\n".join(f'bigtxt      IN TXT   "{i:02d}{"t" * 200}" "{"u" * 100}"' for i in range(12))  # ~3700 octets
DIFF_ZONE = f"""; The second zone of scripts/dns_differential.py; written to a temporary directory at run time.
$ORIGIN diff.test.
$TTL 3600
@               IN SOA   ns1.diff.test. hostmaster.diff.test. 2026120101 3600 600 604800 300
@               IN NS    ns1
@               IN NS    ns2.example.test.
@               IN MX    10 mail
@               IN MX    20 mail.example.test.
@               IN TXT   "apex" "two" "three strings"
@           60  IN A     127.0.20.1
@               IN AAAA  fd00:20::1
ns1             IN A     127.0.20.53
mail            IN A     127.0.20.25
mail            IN AAAA  fd00:20::25
mail            IN TXT   "v=spf1 mx -all"
*               IN A     127.0.20.200
*               IN MX    5 mail
_sip._tcp       IN SRV   10 60 5060 sip
_sip._tcp       IN SRV   20 40 5061 sip2.example.test.
_ldap._tcp.dc._msdcs IN SRV 0 100 389 dc1
sip             IN A     127.0.20.60
dc1         120 IN A     127.0.20.61
*.deep.w        IN A     127.0.20.201
*.deep.w        IN AAAA  fd00:20::201
host.deep.w     IN TXT   "explicit"
*.cw            IN CNAME c1
cname-wild      IN CNAME foo.deep.w
cname-apexwild  IN CNAME nothing-here
c1              IN CNAME c2
c2              IN CNAME C3.Diff.Test.
c3              IN CNAME c4
c4              IN CNAME mail
chain9          IN CNAME k1
k1              IN CNAME k2
k2              IN CNAME k3
k3              IN CNAME k4
k4              IN CNAME k5
k5              IN CNAME k6
k6              IN CNAME k7
k7              IN CNAME k8
k8              IN CNAME k9
k9              IN A     127.0.20.9
cross           IN CNAME www.example.test.
crossmiss       IN CNAME nope.example.test.
crosswild       IN CNAME zz.wild.example.test.
a.b.c.d.ent     IN A     127.0.20.4
x.ent           IN TXT   "sibling of an empty non-terminal"
MixedCase       IN A     127.0.20.3
UPPER.SUB2      IN TXT   "Case" "Preserved"
{LONG_OWNER} IN A 127.0.20.255
odd\\.dot       IN A     127.0.20.46
tobig           IN CNAME big
chain8          IN CNAME j2
j2              IN CNAME j3
j3              IN CNAME j4
j4              IN CNAME j5
j5              IN CNAME j6
j6              IN CNAME j7
j7              IN CNAME j8
j8              IN CNAME j9
j9              IN A     127.0.20.8
del             IN NS    ns.del
del             IN NS    ns.example.test.
ns.del          IN A     127.0.20.54
ns.del          IN AAAA  fd00:20::54
del2            IN NS    ns.elsewhere.test.
{BIG_A}
{HUGE_A}
{BIG_TXT}
"""

# Names per zone, by what the zone says about them. Queries are drawn from these with every type.
EXISTING = [
    "example.test", "ns1.example.test", "www.example.test", "alias.example.test", "chain1.example.test",
    "chain2.example.test", "outside.example.test", "dangling.example.test", "loop1.example.test",
    "loop2.example.test", "*.wild.example.test", "host.wild.example.test", "a.b.c.example.test",
    "mail.example.test", "txt.example.test", "included.example.test", "x.deeper.example.test",
    "diff.test", "ns1.diff.test", "mail.diff.test", "*.diff.test", "_sip._tcp.diff.test",
    "_ldap._tcp.dc._msdcs.diff.test", "sip.diff.test", "dc1.diff.test", "*.deep.w.diff.test",
    "host.deep.w.diff.test", "*.cw.diff.test", "cname-wild.diff.test", "cname-apexwild.diff.test",
    "c1.diff.test", "c2.diff.test", "c3.diff.test", "c4.diff.test", "chain8.diff.test", "j5.diff.test",
    "chain9.diff.test", "k5.diff.test", "k9.diff.test", "cross.diff.test", "crossmiss.diff.test",
    "crosswild.diff.test", "a.b.c.d.ent.diff.test", "x.ent.diff.test", "mixedcase.diff.test",
    "upper.sub2.diff.test", f"{LONG_OWNER}.diff.test", "odd\\.dot.diff.test", "tobig.diff.test", "big.diff.test",
    "huge.diff.test", "bigtxt.diff.test",
]
EMPTY_NON_TERMINALS = [
    "b.c.example.test", "c.example.test", "deeper.example.test", "wild.example.test", "deep.w.diff.test",
    "w.diff.test", "b.c.d.ent.diff.test", "c.d.ent.diff.test", "d.ent.diff.test", "ent.diff.test",
    "_tcp.diff.test", "_msdcs.diff.test", "dc._msdcs.diff.test", "_tcp.dc._msdcs.diff.test", "cw.diff.test",
    "sub2.diff.test",
]
# Covered by a wildcard (RFC 4592 synthesis), including names whose closest encloser is an existing leaf's parent.
WILDCARD_HITS = [
    "foo.wild.example.test", "a.b.wild.example.test", "xyz.deep.w.diff.test", "p.q.deep.w.diff.test",
    "anything.diff.test", "a.b.c.diff.test", "x.cw.diff.test", "y.z.cw.diff.test", "nothing-here.diff.test",
    "s.mail.diff.test", "_udp.diff.test", f"x.{'o' * 51}.diff.test",
]
# Names that do not exist and that no wildcard covers (the closest encloser has no `*` child): NXDOMAIN.
MISSES = [
    "nx.example.test", "a.nx.example.test", "x.www.example.test", "x.host.wild.example.test", "zz.c.example.test",
    "d.a.b.c.example.test", "x.b.c.example.test", "nope.deeper.example.test", "x.x.deeper.example.test",
    "x.w.diff.test", "x.host.deep.w.diff.test", "x.ent.ent.diff.test", "z.d.ent.diff.test",
    "x.a.b.c.d.ent.diff.test", "_udp._sip._tcp.diff.test", "x._tcp.diff.test", "y.sub2.diff.test",
    "x.upper.sub2.diff.test", "x.mixedcase.diff.test", f"p.{'n' * 63}.{'o' * 51}.diff.test",
]
# At or below a zone cut: referrals (NSD adds in-zone glue, also with minimal-responses).
DELEGATED = [
    "sub.example.test", "x.sub.example.test", "ns.sub.example.test", "del.diff.test", "www.del.diff.test",
    "ns.del.diff.test", "del2.diff.test", "a.b.del2.diff.test",
]
# Neither server is authoritative: REFUSED from both. (Not amazonaws.com: aprouter synthesises zones there.)
OUTSIDE = [
    ".", "test", "com", "elsewhere.test", "www.elsewhere.test", "example.org", "diff.test.example",
    "example.test.diff", "xdiff.test", "notexample.test", "localhost",
]
ZONES = ["example.test.", "diff.test."]
QTYPES = ["A", "AAAA", "MX", "TXT", "SRV", "NS", "SOA", "CNAME", "ANY"]
# Rare types: PTR and DS never exist in these zones; DS at a zone cut belongs to the parent (RFC 4035 §3.1.4.1).
RARE_QTYPES = ["PTR", "DS", "TYPE65280"]
EDNS_SIZES = [None, 512, 1232, 4096]


@dataclass(frozen=True)
class Query:
    name: str
    qtype: str
    edns: Optional[int]  # the EDNS payload size, None for no OPT record
    tcp: bool
    rd: bool
    id: int
    do: bool = False  # the DNSSEC OK bit
    edns_version: int = 0
    opcode: int = 0

    def wire(self) -> bytes:
        message = dns.message.make_query(
            dns.name.from_text(self.name), self.qtype,
            use_edns=(self.edns_version if self.edns is not None else False),
            ednsflags=(dns.flags.DO if self.do else 0), payload=self.edns or 1232, id=self.id,
        )
        if not self.rd:
            message.flags &= ~dns.flags.RD
        message.set_opcode(self.opcode)
        return message.to_wire()

    def with_transport(self, tcp: bool, qtype: Optional[str] = None) -> "Query":
        return Query(self.name, qtype or self.qtype, self.edns, tcp, self.rd, self.id, self.do, self.edns_version,
                     self.opcode)

    def __str__(self) -> str:
        edns = f"edns={self.edns}" if self.edns is not None else "no-edns"
        extra = (" +do" if self.do else "") + (f" ednsversion={self.edns_version}" if self.edns_version else "")
        extra += f" opcode={self.opcode}" if self.opcode else ""
        return f"{self.name} {self.qtype} {edns} {'tcp' if self.tcp else 'udp'}{'' if self.rd else ' +nord'}{extra}"


def odd_case(name: str, rng: random.Random) -> str:
    return "".join(ch.upper() if ch.isalpha() and rng.random() < 0.5 else ch for ch in name)


def generate_queries(rng: random.Random, count: int) -> list[Query]:
    """Fixed cases first (every existing name with every common type, every zone cut with NS/DS/A, a few header
    variants), then seeded random draws until `count`."""
    queries: list[Query] = []

    def add(name, qtype, edns=1232, tcp=False, rd=True, **extra):
        queries.append(Query(name, qtype, edns, tcp, rd, rng.randrange(65536), **extra))

    for name in EXISTING:
        for qtype in QTYPES:
            add(name, qtype)
    for name in DELEGATED + ZONES:
        for qtype in ("NS", "DS", "A"):
            add(name, qtype)
    add("www.example.test", "A", edns_version=1)
    add("www.diff.test", "MX", do=True, edns_version=1)
    add("nx.example.test", "A", do=True)
    add("www.example.test", "A", opcode=dns.opcode.STATUS)
    add("www.example.test", "A", None, opcode=dns.opcode.UPDATE)
    add("huge.diff.test", "A", 65535)
    add("huge.diff.test", "A", 4096)
    add("bigtxt.diff.test", "TXT", 4096)
    add("bigtxt.diff.test", "ANY", 4096)
    add("big.diff.test", "A", None)
    add("big.diff.test", "A", 512, do=True)
    add("tobig.diff.test", "A", None)
    add("tobig.diff.test", "A", 512)
    add("tobig.diff.test", "A", None, tcp=True)
    add("huge.diff.test", "A", 100)

    groups = [(EXISTING, 30), (EMPTY_NON_TERMINALS, 10), (WILDCARD_HITS, 15), (MISSES, 15), (DELEGATED, 8),
              (OUTSIDE, 7)]
    while len(queries) < count:
        name = rng.choice(rng.choices([names for names, _ in groups], [weight for _, weight in groups])[0])
        if rng.random() < 0.35:
            name = odd_case(name, rng)
        qtype = rng.choice(RARE_QTYPES) if rng.random() < 0.04 else rng.choice(QTYPES)
        edns = rng.choice(EDNS_SIZES)
        add(name, qtype, edns, rng.random() < 0.2, rng.random() < 0.8, do=edns is not None and rng.random() < 0.1)
    return queries


# ---------------------------------------------------------------------------------------------------------------
# Comparison


@dataclass
class Answer:
    wire: bytes
    message: Optional[dns.message.Message]
    error: Optional[str] = None


def rrsets(section: list[dns.rrset.RRset]) -> dict:
    """A section as {(owner lower-cased, type): (ttl, frozenset of canonical rdata)}, the OPT left out."""
    result = {}
    for rrset in section:
        if rrset.rdtype == dns.rdatatype.OPT:
            continue
        key = (rrset.name.to_text().lower(), dns.rdatatype.to_text(rrset.rdtype))
        if rrset.rdclass != dns.rdataclass.IN:
            key += (dns.rdataclass.to_text(rrset.rdclass),)
        rdatas = frozenset(rdata.to_digestable() for rdata in rrset)  # canonical: names in rdata lower-cased
        previous = result.get(key)
        if previous is not None:  # the same RRset in two pieces: merge; differing TTLs show as -1
            rdatas = rdatas | previous[1]
        result[key] = (rrset.ttl if previous is None or previous[0] == rrset.ttl else -1, rdatas)
    return result


def describe(section: dict) -> str:
    if not section:
        return "(empty)"
    return "; ".join(
        f"{owner} {ttl} {rtype} ×{len(rdatas)}" for (owner, rtype, *_), (ttl, rdatas) in sorted(section.items())
    )


def flag_text(message: dns.message.Message) -> str:
    shown = dns.flags.QR | dns.flags.AA | dns.flags.TC | dns.flags.RD | dns.flags.RA | dns.flags.AD | dns.flags.CD
    return dns.flags.to_text(message.flags & shown) or "-"


def qdcount(wire: bytes) -> int:
    return struct.unpack("!H", wire[4:6])[0] if len(wire) >= 6 else -1


def differences(query: Query, query_wire: bytes, nsd: Answer, apr: Answer) -> list[str]:
    """Every way the two answers disagree, as short sentences; empty when they agree."""
    if nsd.message is None or apr.message is None:
        if nsd.error == apr.error:
            return []
        return [f"transport: nsd {nsd.error or 'answered'}, aprouter {apr.error or 'answered'}"]
    n, a = nsd.message, apr.message
    found = []

    def compare(what: str, left, right):
        if left != right:
            found.append(f"{what}: nsd {left}, aprouter {right}")

    compare("id", n.id, a.id)
    compare("rcode", dns.rcode.to_text(n.rcode()), dns.rcode.to_text(a.rcode()))
    compare("opcode", dns.opcode.to_text(n.opcode()), dns.opcode.to_text(a.opcode()))
    compare("flags", flag_text(n), flag_text(a))
    # The question exactly as sent, case included (12-byte header, then name, type and class).
    compare("question count", qdcount(nsd.wire), qdcount(apr.wire))
    question = query_wire[12 : len(query_wire) - (11 if query.edns is not None else 0)]
    for who, answer in (("nsd", nsd), ("aprouter", apr)):
        if qdcount(answer.wire) == 1 and answer.wire[12 : 12 + len(question)] != question:
            echoed = answer.wire[12 : 12 + len(question)]
            found.append(f"question not echoed by {who}: sent {question.hex()}, got {echoed.hex()}")
    compare("EDNS present", n.edns >= 0, a.edns >= 0)
    if n.edns >= 0 and a.edns >= 0:
        compare("EDNS version", n.edns, a.edns)
        compare("EDNS payload", n.payload, a.payload)
        compare("EDNS flags", dns.flags.edns_to_text(n.ednsflags) or "-", dns.flags.edns_to_text(a.ednsflags) or "-")
        compare("EDNS options", sorted(o.to_text() for o in n.options), sorted(o.to_text() for o in a.options))
    for section_name in ("answer", "authority", "additional"):
        left, right = rrsets(getattr(n, section_name)), rrsets(getattr(a, section_name))
        if left != right:
            found.append(f"{section_name}: nsd {describe(left)} | aprouter {describe(right)}")
            for key in sorted(set(left) | set(right)):
                if left.get(key) != right.get(key):
                    found.append(f"    {' '.join(key)}: nsd {show(getattr(n, section_name), key)}"
                                 f" | aprouter {show(getattr(a, section_name), key)}")
    return found


def show(section: list[dns.rrset.RRset], key: tuple) -> str:
    """The records of one RRset in presentation form, for a difference report."""
    texts = [f"{rrset.ttl} {rdata.to_text()}" for rrset in section
             if (rrset.name.to_text().lower(), dns.rdatatype.to_text(rrset.rdtype)) == key[:2] for rdata in rrset]
    shown = ", ".join(sorted(texts)[:4]) + (f", … ({len(texts)} records)" if len(texts) > 4 else "")
    return shown or "(none)"


# ---------------------------------------------------------------------------------------------------------------
# Known differences. Each is a function that looks at the query and both answers and, only when the situation is
# exactly the documented one (checked as narrowly as possible, often against NSD's answer to a second query), says
# how to bring the two answers together (`Fix`). All that apply are applied in order, then the answers are compared
# again: any disagreement left over is unexplained. So a known difference never hides another one.


@dataclass
class Context:
    query: Query
    nsd_client: "Client"

    def nsd(self, qtype: Optional[str] = None) -> dns.message.Message:
        """NSD's answer to the same question (or another type) over TCP: the whole answer, never truncated."""
        query = self.query.with_transport(True, qtype)
        answer = self.nsd_client.ask(query, query.wire())
        if answer.message is None:
            raise RuntimeError(f"nsd did not answer {query}: {answer.error}")
        return answer.message


def copy_message(message: dns.message.Message) -> dns.message.Message:
    return dns.message.from_wire(message.to_wire(max_size=65535), ignore_trailing=True)


def zone_of(name: dns.name.Name) -> Optional[dns.name.Name]:
    for apex in (dns.name.from_text(z) for z in ZONES):
        if name.is_subdomain(apex):
            return apex
    return None


def key_of(rrset: dns.rrset.RRset) -> tuple:
    return (rrset.name.to_text().lower(), dns.rdatatype.to_text(rrset.rdtype))


def only_cnames(section) -> bool:
    return all(rrset.rdtype == dns.rdatatype.CNAME for rrset in section)


def sections_equal_except_additional(left, right) -> bool:
    return all(rrsets(getattr(left, s)) == rrsets(getattr(right, s)) for s in ("answer", "authority"))






def any_single_rrset(ctx: Context, n: dns.message.Message, a: dns.message.Message):
    """ANY: NSD answers with one RRset (RFC 8482 §4.1), aprouter with every RRset at the name."""
    if ctx.query.qtype != "ANY" or n.rcode() != dns.rcode.NOERROR or len(n.answer) != 1:
        return None
    if n.flags & dns.flags.TC or a.flags & dns.flags.TC or len(a.answer) < 2:
        return None
    mine = rrsets(a.answer)
    if not set(rrsets(n.answer).items()) <= set(mine.items()):
        return None
    # Each RRset aprouter lists must be exactly what NSD answers when asked for that type.
    for (owner, rtype, *_), value in mine.items():
        if rrsets(ctx.nsd(rtype).answer).get((owner, rtype)) != value:
            return None
    a = copy_message(a)
    a.answer = [rrset for rrset in a.answer if rrset.rdtype == n.answer[0].rdtype]
    return n, a


def cname_to_another_zone(ctx: Context, n: dns.message.Message, a: dns.message.Message):
    """A CNAME chain that leaves the zone: aprouter stops at the zone's edge, NSD continues into its other zone."""
    if a.rcode() != dns.rcode.NOERROR or not a.answer or not only_cnames(a.answer) or a.authority:
        return None
    last = a.answer[-1]
    target = last[0].target
    here = zone_of(last.name)
    if here is None or target.is_subdomain(here) or zone_of(target) is None:
        return None
    ours, theirs = rrsets(a.answer), rrsets(n.answer)
    if not set(ours.items()) <= set(theirs.items()):
        return None
    beyond = [rrset for rrset in n.answer + n.authority if zone_of(rrset.name) != here]
    if not beyond:
        return None
    n = copy_message(n)
    n.set_rcode(dns.rcode.NOERROR)
    n.answer = [rrset for rrset in n.answer if key_of(rrset) in ours]
    n.authority = []
    return n, a


def cname_chain_cap(ctx: Context, n: dns.message.Message, a: dns.message.Message):
    """A chain of more than 8 CNAMEs: aprouter stops after 8 (Zone.maximumChain); NSD goes on."""
    if a.rcode() != dns.rcode.NOERROR or len(a.answer) != 8 or not only_cnames(a.answer) or a.authority:
        return None
    ours = rrsets(a.answer)
    if not set(ours.items()) <= set(rrsets(n.answer).items()):
        return None
    cnames = [rrset for rrset in n.answer if rrset.rdtype == dns.rdatatype.CNAME]
    if len(cnames) <= 8:
        return None
    here = zone_of(a.answer[0].name)
    if any(zone_of(rrset.name) != here for rrset in n.answer + n.authority):
        return None
    n = copy_message(n)
    n.set_rcode(dns.rcode.NOERROR)
    n.answer = [rrset for rrset in n.answer if (rrset.name.to_text().lower(), "CNAME") in ours]
    n.authority = []
    return n, a


def extended_dns_error(ctx: Context, n: dns.message.Message, a: dns.message.Message):
    """NSD attaches an Extended DNS Error (RFC 8914) to REFUSED; aprouter sends none."""
    if n.rcode() != dns.rcode.REFUSED or a.rcode() != dns.rcode.REFUSED or a.options:
        return None
    if not n.options or not all(option.otype == dns.edns.OptionType.EDE for option in n.options):
        return None
    n = copy_message(n)
    n.use_edns(n.edns, n.ednsflags, n.payload, options=[])
    return n, a


def truncated_partial_answer(ctx: Context, n: dns.message.Message, a: dns.message.Message):
    """Both truncate (TC=1); NSD keeps the leading CNAMEs that fit whole, aprouter sends empty sections."""
    if not (n.flags & a.flags & dns.flags.TC) or a.answer or a.authority or rrsets(a.additional):
        return None
    if not n.answer or not only_cnames(n.answer) or n.authority:
        return None
    if not set(rrsets(n.answer).items()) <= set(rrsets(ctx.nsd().answer).items()):
        return None
    n = copy_message(n)
    n.answer = []
    return n, a


def ns_answer_addresses(ctx: Context, n: dns.message.Message, a: dns.message.Message):
    """An NS answer (the apex's NS set): NSD adds the in-zone name servers' addresses even with
    minimal-responses; aprouter adds additional records only to referrals."""
    if ctx.query.qtype != "NS" or not n.additional or a.additional or not sections_equal_except_additional(n, a):
        return None
    targets = {rdata.target for rrset in n.answer if rrset.rdtype == dns.rdatatype.NS for rdata in rrset}
    if not all(rrset.name in targets and rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
               for rrset in n.additional):
        return None
    n = copy_message(n)
    n.additional = []
    return n, a




Fix = Callable[[Context, dns.message.Message, dns.message.Message], Optional[tuple]]
# (identifier, kind, reason, fix). kind "design": a deliberate, justified choice; "bug": the emulator is wrong and
# the lead engineer has the report; the entry keeps this check meaningful until it is fixed (then delete it).
KNOWN_DIFFERENCES: list[tuple[str, str, str, Fix]] = [
    (
        "any-single-rrset", "design",
        "ANY: NSD 4.3+ answers with one RRset (RFC 8482 §4.1); aprouter answers with every RRset at the name, "
        "which RFC 8482 §4 still allows. Each RRset aprouter lists is checked against NSD's answer for that type.",
        any_single_rrset,
    ),
    (
        "cname-to-another-zone", "design",
        "A CNAME whose target is in another zone on the same server: NSD follows it into that zone; aprouter "
        "follows CNAMEs only inside the zone (issue 4: 'CNAME chains inside the zone'; in aprouter another zone "
        "may not be in the client's view), and the client resolves the target itself.",
        cname_to_another_zone,
    ),
    (
        "cname-chain-cap", "design",
        "A chain of more than 8 CNAMEs: aprouter stops after 8 (Zone.maximumChain, loop protection); NSD "
        "follows on. A resolver continues from the last target, as for any partial chain.",
        cname_chain_cap,
    ),
    (
        "refused-extended-error", "design",
        "REFUSED for a name outside every zone: NSD 4.6 adds an Extended DNS Error option (RFC 8914, code 20 Not "
        "Authoritative); aprouter does not. EDE is optional (RFC 8914 §3: 'MAY') and purely informational.",
        extended_dns_error,
    ),
    (
        "tc-partial-answer", "design",
        "A UDP answer that does not fit: both set TC=1 with the same rcode, but NSD keeps the leading CNAME "
        "RRsets that fit whole while aprouter empties every section. RFC 2181 §9 lets a server send what fits "
        "and the client ignores a truncated answer and retries over TCP.",
        truncated_partial_answer,
    ),
    (
        "ns-answer-addresses", "design",
        "An NS answer: NSD adds the in-zone name servers' addresses to the additional section even with "
        "minimal-responses; aprouter adds additional data only to referrals, where it is glue. Additional data "
        "in an answer is optional (RFC 1034 §4.3.2 step 6; RFC 2181 §9) and resolvers look the addresses up.",
        ns_answer_addresses,
    ),
]


def classify(
    query: Query, query_wire: bytes, nsd: Answer, apr: Answer, nsd_client: "Client"
) -> tuple[list[str], list[str]]:
    """(known difference ids that applied, differences left over). Both empty when the answers agree."""
    found = differences(query, query_wire, nsd, apr)
    if not found or nsd.message is None or apr.message is None:
        return [], found
    ctx = Context(query, nsd_client)
    n, a = nsd.message, apr.message
    applied = []
    for identifier, _, _, fix in KNOWN_DIFFERENCES:
        fixed = fix(ctx, n, a)
        if fixed is not None:
            n, a = fixed
            applied.append(identifier)
    if not applied:
        return [], found
    left = differences(query, query_wire, Answer(nsd.wire, n), Answer(apr.wire, a))
    return (applied, []) if not left else ([], found)


# ---------------------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (the kernel picks; we check the other protocol)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                    tcp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for UDP and TCP on 127.0.0.1")


class Servers:
    """NSD and aprouter serving the same zone files from one temporary directory; stopped on exit."""

    def __init__(self, binary: Path, broken: bool = False):
        self.binary = binary
        self.broken = broken
        self.directory = Path(tempfile.mkdtemp(prefix="dns-differential."))
        self.processes: list[subprocess.Popen] = []
        self.nsd_port = 0
        self.apr_port = 0
        self.apr_log: list[str] = []

    def __enter__(self) -> "Servers":
        try:
            self._write_files()
            self._start_nsd()
            self._start_aprouter()
            for port, name in ((self.nsd_port, "nsd"), (self.apr_port, "aprouter")):
                wait_until_answering(port, name, self.processes)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _write_files(self) -> None:
        zones = self.directory / "zones"
        zones.mkdir()
        for fixture in ("example.test.zone", "included.inc"):
            shutil.copy(FIXTURES / fixture, zones / fixture)
        (zones / "diff.test.zone").write_text(DIFF_ZONE)
        if self.broken:  # aprouter alone gets a zone with one address changed: the check must go red
            broken = self.directory / "zones-broken"
            shutil.copytree(zones, broken)
            changed = DIFF_ZONE.replace("IN A     127.0.20.25\n", "IN A     127.0.20.26\n")
            (broken / "diff.test.zone").write_text(changed)

    def _start_nsd(self) -> None:
        self.nsd_port = free_port()
        d = self.directory
        conf = d / "nsd.conf"
        conf.write_text(
            f"""server:
    ip-address: 127.0.0.1@{self.nsd_port}
    username: ""
    chroot: ""
    zonesdir: "{d}/zones"
    pidfile: "{d}/nsd.pid"
    zonelistfile: "{d}/zone.list"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    database: "{d}/nsd.db"
    logfile: "{d}/nsd.log"
    server-count: 1
    verbosity: 1
    minimal-responses: yes
    refuse-any: no
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: example.test
    zonefile: example.test.zone
zone:
    name: diff.test
    zonefile: diff.test.zone
"""
        )
        check = subprocess.run(["nsd-checkconf", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nsd-checkconf rejected {conf}:\n{check.stdout}{check.stderr}")
        for zone in ("example.test", "diff.test"):
            checked = subprocess.run(
                ["nsd-checkzone", zone, f"{zone}.zone"], cwd=d / "zones", capture_output=True, text=True
            )
            if checked.returncode != 0:
                raise RuntimeError(f"nsd-checkzone {zone}:\n{checked.stdout}{checked.stderr}")
        nsd = shutil.which("nsd") or "/usr/sbin/nsd"
        self.processes.append(
            subprocess.Popen([nsd, "-d", "-c", str(conf)], cwd=d / "zones", stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        )

    def _start_aprouter(self) -> None:
        d = self.directory
        lab = d / "lab.yaml"
        lab.write_text(
            """listeners: {dns: "127.0.0.1:0", https: "127.0.0.1:0", http: "127.0.0.1:0", admin: "127.0.0.1:0"}
stateDir: ./state
certsDir: ./certs
zonesDir: ./ZONES
hostedZones:
  - {name: example.test, file: example.test.zone}
  - {name: diff.test, file: diff.test.zone}
""".replace("ZONES", "zones-broken" if self.broken else "zones")
        )
        process = subprocess.Popen(
            [str(self.binary), "serve", "--config", str(lab), "--log-level", "info"], cwd=d,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        self.processes.append(process)
        port_seen = threading.Event()

        def drain() -> None:
            for line in process.stderr:
                self.apr_log.append(line)
                match = re.search(r"dns\.port=(\d+)", line)
                if match and not port_seen.is_set():
                    self.apr_port = int(match.group(1))
                    port_seen.set()

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + 20
        while not port_seen.wait(0.05):
            if process.poll() is not None or time.monotonic() > deadline:
                time.sleep(0.1)
                raise RuntimeError("aprouter did not report dns.port:\n" + "".join(self.apr_log))


def wait_until_answering(port: int, name: str, processes: list[subprocess.Popen]) -> None:
    probe = Query("example.test", "SOA", None, False, True, 1).wire()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with status {process.returncode} during start-up")
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.settimeout(0.2)
                sock.sendto(probe, ("127.0.0.1", port))
                sock.recvfrom(65535)
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} is not answering on 127.0.0.1:{port}")


class Client:
    """One UDP socket and one TCP connection per server, reused for every query."""

    def __init__(self, port: int):
        self.port = port
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.settimeout(2)
        self.udp.connect(("127.0.0.1", port))
        self.tcp: Optional[socket.socket] = None

    def close(self) -> None:
        self.udp.close()
        if self.tcp:
            self.tcp.close()

    def ask(self, query: Query, wire: bytes) -> Answer:
        try:
            raw = self._tcp(wire) if query.tcp else self._udp(wire)
        except (OSError, ConnectionError) as error:
            return Answer(b"", None, f"no answer ({type(error).__name__})")
        try:
            return Answer(raw, dns.message.from_wire(raw))
        except Exception as error:  # noqa: BLE001 - any parse failure is a finding
            return Answer(raw, None, f"unparseable answer ({error})")

    def _udp(self, wire: bytes) -> bytes:
        self.udp.send(wire)
        while True:
            data = self.udp.recv(65535)
            if data[:2] == wire[:2]:
                return data

    def _tcp(self, wire: bytes) -> bytes:
        for attempt in range(2):
            if self.tcp is None:
                self.tcp = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            try:
                self.tcp.sendall(struct.pack("!H", len(wire)) + wire)
                length = struct.unpack("!H", self._read(2))[0]
                return self._read(length)
            except (OSError, ConnectionError):
                self.tcp.close()
                self.tcp = None
                if attempt:
                    raise
        raise ConnectionError("unreachable")

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.tcp.recv(count - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data


# ---------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/aprouter"))
    parser.add_argument("--count", type=int, default=QUERY_COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--serve", action="store_true", help="start both servers and wait for Ctrl-C")
    parser.add_argument("--verbose", action="store_true", help="also print the known differences")
    parser.add_argument("--break", dest="broken", action="store_true",
                        help="serve aprouter one changed address, to watch the check fail (STYLE §8)")
    args = parser.parse_args()
    binary = Path(args.binary)
    if not binary.exists():
        print(f"dns-differential: {binary} is missing; run `swift build` first", file=sys.stderr)
        return 2
    if not shutil.which("nsd") and not Path("/usr/sbin/nsd").exists():
        print("dns-differential: nsd is missing; run scripts/install-deps.sh", file=sys.stderr)
        return 2
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with Servers(binary, args.broken) as servers:
        if args.serve:
            print(f"nsd: 127.0.0.1 port {servers.nsd_port}\naprouter: 127.0.0.1 port {servers.apr_port}\n"
                  f"zones: {servers.directory}/zones\nCtrl-C to stop", flush=True)
            try:
                while all(p.poll() is None for p in servers.processes):
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
            return 0
        queries = generate_queries(random.Random(args.seed), args.count)
        nsd, apr = Client(servers.nsd_port), Client(servers.apr_port)
        agree, known, unexplained = 0, {}, []
        try:
            for query in queries:
                wire = query.wire()
                nsd_answer, apr_answer = nsd.ask(query, wire), apr.ask(query, wire)
                applied, left = classify(query, wire, nsd_answer, apr_answer, nsd)
                if left:
                    unexplained.append((query, left))
                elif applied:
                    for identifier in applied:
                        known.setdefault(identifier, []).append(query)
                else:
                    agree += 1
        finally:
            nsd.close()
            apr.close()
        alive = all(p.poll() is None for p in servers.processes)
    elapsed = time.monotonic() - started
    table = {identifier: (kind, reason) for identifier, kind, reason, _ in KNOWN_DIFFERENCES}
    for identifier, cases in sorted(known.items()):
        kind, reason = table[identifier]
        print(f"known difference [{kind}] {identifier}: {len(cases)} queries, e.g. {cases[0]}")
        if args.verbose:
            print(f"    {reason}")
            for query in cases[1:]:
                print(f"    {query}")
    for query, found in unexplained:
        print(f"DIFFERENT: {query}")
        for line in found:
            print(f"    {line}")
    known_queries = len(queries) - agree - len(unexplained)
    print(
        f"dns-differential: {len(queries)} queries, {agree} agree, {known_queries} known differences"
        + (f", {len(unexplained)} UNEXPLAINED" if unexplained else "")
        + f" ({elapsed:.1f} s)"
    )
    if not alive:
        print("dns-differential: a server died during the run", file=sys.stderr)
        return 1
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
