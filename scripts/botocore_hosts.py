#!/usr/bin/env python3
"""Record the Host names that real botocore sends for S3 / S3 Control calls.

Purpose
-------
AccessPointRouter classifies every incoming request by its Host header
(access point, access point alias, Multi-Region Access Point, S3 Control,
virtual-hosted bucket, path-style endpoint).  This script is the independent
oracle for that classifier: it drives *real* botocore clients (the installed
version) for a fixed table of calls and configurations, captures the host each
request would have been sent to, and pairs it with a hand-written expected
classification string in the format of the Swift ``HostClass.description``.
The result is the fixture

    Tests/AccessPointCoreTests/Fixtures/botocore-hosts.json

a JSON list of ``{"how", "host", "expected"}`` objects in case order, which
the Swift tests feed to the classifier.  Nothing here looks at the Swift code.

No network traffic
------------------
Every request is short-circuited by a ``before-send`` handler that records
``request.url`` and returns a fake ``200`` ``AWSResponse`` with an empty body,
so botocore never opens a connection.  As a second guard the urllib3 HTTP layer
is replaced by a function that raises.  Credentials are the AWS documentation
example keys, and every ``AWS_*`` environment variable is removed (config and
credential files point at /dev/null) so local AWS settings cannot change the
result.

Multi-Region Access Points
--------------------------
MRAP requests are signed with SigV4A, which botocore only supports with
``awscrt`` installed (``pip install awscrt``).  Without it the MRAP cases are
skipped with a message: ``--check`` compares the remaining cases and
``--write`` keeps the committed MRAP entries unchanged.  The MRAP cases use
botocore's default signer on purpose: an explicit ``signature_version='s3v4'``
makes botocore sign MRAP requests with plain SigV4, which AWS would reject.

Usage
-----
    python3 scripts/botocore_hosts.py [--check]   # default
    python3 scripts/botocore_hosts.py --write

``--check`` regenerates the fixture in memory and compares it with the committed
file: exit 0 and a one-line summary when they match, exit 1 with a unified
diff (and the botocore version) when they differ.  ``make test`` runs
``--check`` before ``swift test``, so a botocore upgrade that changes any
hostname fails loudly instead of silently making the fixture stale; re-run
with ``--write``, review the diff and the expected strings, and commit.
Exit status 2 means the script could not run (bad usage, missing fixture, or
``--write`` without awscrt and without committed MRAP entries).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "Tests" / "AccessPointCoreTests" / "Fixtures" / "botocore-hosts.json"

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

ACCOUNT = "123456789012"
ALIAS = "my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias"
MRAP_ALIAS = "mfzwi23gnjvgw.mrap"
MRAP_ARN = f"arn:aws:s3::{ACCOUNT}:accesspoint/{MRAP_ALIAS}"
BUCKET = "example-bucket"
VPCE = "vpce-1a2b3c4d-5e6f"

LAB = "https://s3.lab.localhost:8443"
LAB_HTTP = "http://s3.lab.localhost:8080"
LAB_CONTROL = "https://s3-control.lab.localhost:8443"
VPCE_AP = f"https://accesspoint.{VPCE}.s3.us-east-1.vpce.amazonaws.com"
VPCE_BUCKET = f"https://bucket.{VPCE}.s3.us-east-1.vpce.amazonaws.com"
VPCE_CONTROL = f"https://control.{VPCE}.s3.us-east-1.vpce.amazonaws.com"

PARTITIONS = {"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"}


def ap_arn(region: str, name: str = "my-ap", account: str = ACCOUNT, sep: str = "/") -> str:
    """Access point ARN in the partition that owns ``region``."""
    partition = PARTITIONS.get(region, "aws")
    return f"arn:{partition}:s3:{region}:{account}:accesspoint{sep}{name}"


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    """One client call; ``expected`` is the hand-written classification."""

    service: str  # "s3" or "s3control"
    op: str
    region: str  # client region
    params: dict
    expected: str
    dualstack: bool = False
    fips: bool = False
    addressing: str | None = None  # s3 addressing_style
    endpoint_url: str | None = None
    s3_extra: dict = field(default_factory=dict)  # further Config(s3={...}) keys
    mrap: bool = False  # SigV4A: default signer, needs awscrt

    @property
    def how(self) -> str:
        shown = {k: v for k, v in self.params.items() if k not in ("Key", "Body")}
        parts = [self.service, self.op]
        parts += [f"{k}={v}" for k, v in shown.items()]
        parts.append(f"region={self.region}")
        if self.fips:
            parts.append("fips")
        if self.dualstack:
            parts.append("dualstack")
        if self.addressing:
            parts.append(f"addressing={self.addressing}")
        parts += [f"{k}={v}" for k, v in sorted(self.s3_extra.items())]
        if self.endpoint_url:
            parts.append(f"endpoint_url={self.endpoint_url}")
        return " ".join(parts)


def s3(op: str, region: str, bucket: str, expected: str, **kw) -> Case:
    params = {"Bucket": bucket, "Key": "k"}
    if op == "put_object":
        params["Body"] = b"x"
    elif op == "list_objects_v2":
        params = {"Bucket": bucket}
    return Case("s3", op, region, params, expected, **kw)


def control(op: str, region: str, expected: str, **kw) -> Case:
    params = {"AccountId": ACCOUNT}
    if op in ("get_access_point", "get_multi_region_access_point"):
        params["Name"] = "my-ap"
    return Case("s3control", op, region, params, expected, **kw)


def ap(name: str, region: str, *flags: str, account: str = ACCOUNT, vpce: bool = False) -> str:
    s = f"accessPoint name={name} account={account}"
    if region:
        s += f" region={region}"
    s += "".join(f" {f}" for f in flags)
    return s + (f" vpce={VPCE}" if vpce else "")


def alias(region: str | None, *flags: str) -> str:
    s = f"alias alias={ALIAS}" + (f" region={region}" if region else "")
    return s + "".join(f" {f}" for f in flags)


def bucket(region: str | None, *flags: str, vpce: bool = False) -> str:
    s = f"bucket name={BUCKET}" + (f" region={region}" if region else "")
    s += "".join(f" {f}" for f in flags)
    return s + (f" vpce={VPCE}" if vpce else "")


def path(region: str | None, *flags: str) -> str:
    return " ".join(["pathStyle"] + ([f"region={region}"] if region else []) + list(flags))


def ctl(region: str | None, *flags: str, vpce: bool = False) -> str:
    s = f"control account={ACCOUNT}" + (f" region={region}" if region else "")
    s += "".join(f" {f}" for f in flags)
    return s + (f" vpce={VPCE}" if vpce else "")


MRAP = f"mrap alias={MRAP_ALIAS}"
V = "virtual"
DS = {"dualstack": True}
FIPS = {"fips": True}
BOTH = {"dualstack": True, "fips": True}

CASES: list[Case] = [
    # ---- access point ARNs: AWS partition -----------------------------------
    s3("get_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", "us-west-2")),
    s3("put_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", "us-west-2")),
    s3("list_objects_v2", "us-west-2", ap_arn("us-west-2"), ap("my-ap", "us-west-2")),
    s3("get_object", "us-west-2", ap_arn("us-west-2", sep=":"), ap("my-ap", "us-west-2")),
    s3("get_object", "us-east-1", ap_arn("us-west-2"), ap("my-ap", "us-west-2")),  # ARN region wins
    s3("get_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", "us-west-2", "dualstack"), **DS),
    s3("get_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", "us-west-2", "fips"), **FIPS),
    s3("put_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", "us-west-2", "fips", "dualstack"), **BOTH),
    s3("get_object", "eu-west-1", ap_arn("eu-west-1", "a-1"), ap("a-1", "eu-west-1")),
    s3("list_objects_v2", "eu-west-1", ap_arn("eu-west-1", "finance-docs"), ap("finance-docs", "eu-west-1")),
    s3("get_object", "eu-west-1", ap_arn("eu-west-1"), ap("my-ap", "eu-west-1", "dualstack"), **DS),
    s3("get_object", "ap-southeast-2", ap_arn("ap-southeast-2"), ap("my-ap", "ap-southeast-2")),
    s3("put_object", "ap-southeast-2", ap_arn("ap-southeast-2"), ap("my-ap", "ap-southeast-2", "fips"), **FIPS),
    s3("list_objects_v2", "ap-southeast-2", ap_arn("ap-southeast-2", "finance-docs"),
       ap("finance-docs", "ap-southeast-2", "dualstack"), **DS),
    s3("get_object", "us-east-1", ap_arn("us-east-1"), ap("my-ap", "us-east-1")),
    s3("get_object", "us-east-1", ap_arn("us-east-1"), ap("my-ap", "us-east-1", "dualstack"), **DS),
    s3("get_object", "us-east-1", ap_arn("us-east-1"), ap("my-ap", "us-east-1", "fips"), **FIPS),
    s3("get_object", "us-east-1", ap_arn("us-east-1"), ap("my-ap", "us-east-1", "fips", "dualstack"), **BOTH),
    # ---- access point ARNs: China and GovCloud (FIPS is refused in aws-cn) ---
    s3("get_object", "cn-north-1", ap_arn("cn-north-1", "ap1"), ap("ap1", "cn-north-1")),
    s3("get_object", "cn-north-1", ap_arn("cn-north-1"), ap("my-ap", "cn-north-1", "dualstack"), **DS),
    s3("get_object", "us-gov-west-1", ap_arn("us-gov-west-1"), ap("my-ap", "us-gov-west-1")),
    s3("get_object", "us-gov-west-1", ap_arn("us-gov-west-1"), ap("my-ap", "us-gov-west-1", "dualstack"), **DS),
    s3("get_object", "us-gov-west-1", ap_arn("us-gov-west-1"), ap("my-ap", "us-gov-west-1", "fips"), **FIPS),
    s3("get_object", "us-gov-west-1", ap_arn("us-gov-west-1", "finance-docs", account="111122223333"),
       ap("finance-docs", "us-gov-west-1", "fips", "dualstack", account="111122223333"), **BOTH),
    # ---- access point ARNs: lab endpoint URL (region only in the signature) -
    s3("get_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", ""), endpoint_url=LAB),
    s3("list_objects_v2", "eu-west-1", ap_arn("eu-west-1", "finance-docs"), ap("finance-docs", ""), endpoint_url=LAB),
    s3("get_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", ""), endpoint_url=LAB, **DS),  # flag ignored
    s3("get_object", "us-west-2", ap_arn("us-west-2"), ap("my-ap", ""), endpoint_url=LAB_HTTP),
    # ---- access point ARNs: interface VPC endpoint ---------------------------
    s3("get_object", "us-east-1", ap_arn("us-east-1"), ap("my-ap", "us-east-1", vpce=True), endpoint_url=VPCE_AP),
    s3("list_objects_v2", "us-east-1", ap_arn("us-east-1", "test"), ap("test", "us-east-1", vpce=True),
       endpoint_url=VPCE_AP),
    # ---- access point alias used as a bucket name ----------------------------
    s3("get_object", "us-west-2", ALIAS, alias("us-west-2"), addressing=V),
    s3("list_objects_v2", "us-west-2", ALIAS, alias("us-west-2")),  # default addressing is virtual
    s3("get_object", "eu-west-1", ALIAS, alias("eu-west-1"), addressing=V),
    s3("put_object", "ap-southeast-2", ALIAS, alias("ap-southeast-2"), addressing=V),
    s3("get_object", "us-west-2", ALIAS, alias("us-west-2", "dualstack"), addressing=V, **DS),
    s3("get_object", "us-west-2", ALIAS, alias("us-west-2", "fips"), addressing=V, **FIPS),
    s3("get_object", "us-west-2", ALIAS, alias("us-west-2", "fips", "dualstack"), addressing=V, **BOTH),
    s3("get_object", "us-east-1", ALIAS, alias(None), addressing=V),  # legacy global endpoint
    s3("get_object", "us-east-1", ALIAS, alias("us-east-1"), addressing=V,
       s3_extra={"us_east_1_regional_endpoint": "regional"}),
    s3("get_object", "us-west-2", ALIAS, alias(None), addressing=V, endpoint_url=LAB),
    s3("get_object", "us-west-2", ALIAS, path("us-west-2"), addressing="path"),
    # ---- ordinary bucket, virtual-hosted -------------------------------------
    s3("get_object", "us-west-2", BUCKET, bucket("us-west-2"), addressing=V),
    s3("list_objects_v2", "eu-west-1", BUCKET, bucket("eu-west-1"), addressing=V),
    s3("get_object", "us-west-2", BUCKET, bucket("us-west-2", "dualstack"), addressing=V, **DS),
    s3("get_object", "us-west-2", BUCKET, bucket("us-west-2", "fips"), addressing=V, **FIPS),
    s3("get_object", "us-west-2", BUCKET, bucket("us-west-2", "fips", "dualstack"), addressing=V, **BOTH),
    s3("get_object", "us-east-1", BUCKET, bucket(None), addressing=V),  # legacy global endpoint
    s3("get_object", "cn-north-1", BUCKET, bucket("cn-north-1"), addressing=V),
    s3("get_object", "us-gov-west-1", BUCKET, bucket("us-gov-west-1"), addressing=V),
    s3("get_object", "us-west-2", BUCKET, bucket(None), addressing=V, endpoint_url=LAB),
    s3("list_objects_v2", "us-east-1", BUCKET, bucket("us-east-1", vpce=True), addressing=V,
       endpoint_url=VPCE_BUCKET),
    # ---- ordinary bucket, path-style / plain endpoint hosts -------------------
    s3("get_object", "us-west-2", BUCKET, path("us-west-2"), addressing="path"),
    s3("list_objects_v2", "eu-west-1", BUCKET, path("eu-west-1"), addressing="path"),
    s3("get_object", "us-west-2", BUCKET, path("us-west-2", "dualstack"), addressing="path", **DS),
    s3("get_object", "us-west-2", BUCKET, path("us-west-2", "fips"), addressing="path", **FIPS),
    s3("get_object", "us-west-2", BUCKET, path("us-west-2", "fips", "dualstack"), addressing="path", **BOTH),
    s3("get_object", "us-east-1", BUCKET, path(None), addressing="path"),
    s3("get_object", "us-east-1", BUCKET, path("us-east-1"), addressing="path",
       s3_extra={"us_east_1_regional_endpoint": "regional"}),
    s3("get_object", "cn-north-1", BUCKET, path("cn-north-1"), addressing="path"),
    s3("list_objects_v2", "us-west-2", BUCKET, path(None), addressing="path", endpoint_url=LAB),
    s3("get_object", "us-west-2", BUCKET, "pathStyle ip", endpoint_url="https://127.0.0.1:8443"),
    s3("get_object", "us-west-2", BUCKET, "pathStyle ip", endpoint_url="https://[::1]:8443"),
    # ---- S3 Control -----------------------------------------------------------
    control("get_access_point", "us-west-2", ctl("us-west-2")),
    control("list_access_points", "us-west-2", ctl("us-west-2")),
    control("get_access_point", "us-west-2", ctl("us-west-2", "dualstack"), **DS),
    control("get_access_point", "us-west-2", ctl("us-west-2", "fips"), **FIPS),
    control("get_access_point", "us-west-2", ctl("us-west-2", "fips", "dualstack"), **BOTH),
    control("list_access_points", "us-east-1", ctl("us-east-1")),
    control("list_access_points", "us-east-1", ctl("us-east-1", "dualstack"), **DS),
    control("list_access_points", "us-east-1", ctl("us-east-1", "fips"), **FIPS),
    control("list_access_points", "us-east-1", ctl("us-east-1", "fips", "dualstack"), **BOTH),
    control("get_access_point", "eu-west-1", ctl("eu-west-1")),
    control("list_access_points", "ap-southeast-2", ctl("ap-southeast-2")),
    control("get_access_point", "cn-north-1", ctl("cn-north-1")),
    control("get_access_point", "cn-north-1", ctl("cn-north-1", "dualstack"), **DS),
    control("get_access_point", "us-gov-west-1", ctl("us-gov-west-1")),
    control("get_access_point", "us-gov-west-1", ctl("us-gov-west-1", "dualstack"), **DS),
    control("get_access_point", "us-gov-west-1", ctl("us-gov-west-1", "fips"), **FIPS),
    control("list_access_points", "us-gov-west-1", ctl("us-gov-west-1", "fips", "dualstack"), **BOTH),
    control("get_access_point", "us-west-2", ctl(None), endpoint_url=LAB),
    control("list_access_points", "us-west-2", ctl(None), endpoint_url=LAB_CONTROL),
    control("list_access_points", "us-east-1", ctl("us-east-1", vpce=True), endpoint_url=VPCE_CONTROL),
    control("get_multi_region_access_point", "us-west-2", ctl("us-west-2")),
    # ---- Multi-Region Access Point (SigV4A, needs awscrt) --------------------
    s3("get_object", "us-west-2", MRAP_ARN, MRAP, mrap=True),
    s3("put_object", "eu-west-1", MRAP_ARN, MRAP, mrap=True),
    s3("get_object", "us-west-2", MRAP_ARN, MRAP, mrap=True, endpoint_url=LAB),  # endpoint_url ignored
]


# --------------------------------------------------------------------------- botocore driver


def _hermetic_environment() -> None:
    """Drop every AWS_* setting so only the case's own configuration counts."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


class _EmptyBody:
    """Minimal stand-in for a urllib3 response body (empty)."""

    def stream(self, **_kw):
        yield b""

    def read(self, *_a, **_kw):
        return b""

    def close(self):
        pass


class Recorder:
    """A botocore session whose requests never leave the process."""

    def __init__(self) -> None:
        import botocore.httpsession
        import botocore.session

        def refuse(*_a, **_kw):  # second guard behind the before-send hook
            raise RuntimeError("botocore_hosts: a request reached the HTTP layer")

        botocore.httpsession.URLLib3Session.send = refuse
        self.urls: list[str] = []
        self.session = botocore.session.Session()
        self.session.register("before-send", self._before_send)

    def _before_send(self, request, **_kw):
        from botocore.awsrequest import AWSResponse

        self.urls.append(request.url)
        return AWSResponse(request.url, 200, {}, _EmptyBody())

    def client(self, case: Case):
        from botocore.config import Config

        s3_cfg = dict(case.s3_extra)
        if case.addressing:
            s3_cfg["addressing_style"] = case.addressing
        kwargs = {}
        if case.service == "s3":
            if case.dualstack:
                s3_cfg["use_dualstack_endpoint"] = True
            if not case.mrap:
                kwargs["signature_version"] = "s3v4"
        else:
            kwargs["use_dualstack_endpoint"] = case.dualstack
        config = Config(use_fips_endpoint=case.fips, s3=s3_cfg or None, **kwargs)
        return self.session.create_client(
            case.service,
            region_name=case.region,
            endpoint_url=case.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=config,
        )

    def host(self, case: Case) -> str:
        """Host (lower-case, with any port) of the one request ``case`` makes."""
        self.urls.clear()
        try:
            client = self.client(case)
            getattr(client, case.op)(**case.params)
        except Exception as exc:  # recorded so that --check shows it as a diff
            return f"<error: {type(exc).__name__}: {exc}>"
        if len(self.urls) != 1:
            return f"<error: expected one request, saw {self.urls}>"
        return urlsplit(self.urls[0]).netloc.lower()


def generate(include_mrap: bool) -> list[dict]:
    recorder = Recorder()
    rows = []
    for case in CASES:
        if case.mrap and not include_mrap:
            continue
        rows.append({"how": case.how, "host": recorder.host(case), "expected": case.expected})
    return rows


# --------------------------------------------------------------------------- fixture I/O


def render(rows: list[dict]) -> str:
    """JSON list, one object per line (valid JSON, readable diffs)."""
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in rows)
    return "[\n" + body + "\n]\n"


def load_committed() -> list[dict] | None:
    if not FIXTURE.exists():
        return None
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare with the committed fixture (default)")
    mode.add_argument("--write", action="store_true", help=f"regenerate {FIXTURE.relative_to(REPO)}")
    args = parser.parse_args(argv)

    _hermetic_environment()
    import botocore
    from botocore.compat import HAS_CRT

    version = botocore.__version__
    names = [c.how for c in CASES]
    if len(set(names)) != len(names):
        print("botocore-hosts: duplicate case descriptions in CASES", file=sys.stderr)
        return 2
    mrap_names = {c.how for c in CASES if c.mrap}
    if not HAS_CRT:
        print(f"botocore-hosts: skipping {len(mrap_names)} Multi-Region Access Point cases: "
              "awscrt is not installed (botocore needs it for SigV4A; pip install awscrt)")

    generated = generate(include_mrap=HAS_CRT)
    committed = load_committed()

    if args.write:
        if not HAS_CRT:
            kept = {r["how"]: r for r in committed or [] if r.get("how") in mrap_names}
            missing = mrap_names - kept.keys()
            if missing:
                print("botocore-hosts: cannot write without awscrt: no committed entry for "
                      + ", ".join(sorted(missing)), file=sys.stderr)
                return 2
            fresh = {r["how"]: r for r in generated}
            generated = [fresh.get(n) or kept[n] for n in names]
            print("botocore-hosts: kept the committed MRAP entries unchanged")
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(render(generated), encoding="utf-8")
        hosts = {r["host"] for r in generated}
        print(f"botocore-hosts: wrote {len(generated)} hosts ({len(hosts)} distinct) "
              f"from botocore {version} to {FIXTURE.relative_to(REPO)}")
        return 0

    if committed is None:
        print(f"botocore-hosts: {FIXTURE.relative_to(REPO)} is missing; run with --write", file=sys.stderr)
        return 2
    if not HAS_CRT:
        committed = [r for r in committed if r.get("how") not in mrap_names]
    if committed != generated:
        diff = difflib.unified_diff(
            render(committed).splitlines(keepends=True),
            render(generated).splitlines(keepends=True),
            fromfile=f"committed {FIXTURE.relative_to(REPO)}",
            tofile=f"botocore {version}",
        )
        sys.stdout.writelines(diff)
        print(f"botocore-hosts: fixture differs from what botocore {version} produces; "
              "review, then run scripts/botocore_hosts.py --write")
        return 1
    hosts = {r["host"] for r in generated}
    print(f"botocore-hosts: {len(generated)} hosts ({len(hosts)} distinct) match botocore {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
