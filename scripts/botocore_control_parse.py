#!/usr/bin/env python3
"""Parse S3 Control responses with real botocore: the third-party judge of the ControlAPI's response bytes.

Reads from standard input a JSON list of ``{"operation", "status", "headers", "body"}`` objects: an S3 Control
operation name as in botocore's ``s3control`` service model (``GetAccessPoint``), and the HTTP response our
responder produced. Writes to standard output a JSON list, in the same order, of what botocore's own
``rest-xml`` parser makes of each response for that operation's output shape, with ``ResponseMetadata``
removed and timestamps written in ISO 8601. An error response parses to ``{"Error": {...}}``.

Nothing here looks at the Swift code: element names, nesting, maps, booleans and timestamps either mean what
the s3control model says to botocore, or the parsed dict shows they do not. Run by ControlAPITests
(``BotocoreJudgeTests``); no network, no credentials.

    echo '[{"operation":"GetAccessPointPolicyStatus","status":200,"headers":{},"body":"<x/>"}]' \\
        | scripts/botocore_control_parse.py
"""
import datetime
import json
import sys

import botocore.session
from botocore import parsers


def main() -> None:
    cases = json.load(sys.stdin)
    model = botocore.session.get_session().get_service_model("s3control")
    parser = parsers.create_parser(model.metadata["protocol"])
    results = []
    for case in cases:
        operation = model.operation_model(case["operation"])
        parsed = parser.parse(
            {
                "status_code": case["status"],
                "headers": case["headers"],
                "body": case["body"].encode("utf-8"),
            },
            operation.output_shape,
        )
        parsed.pop("ResponseMetadata", None)
        results.append(parsed)

    def default(value):
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        raise TypeError(f"cannot encode {type(value)}")

    json.dump(results, sys.stdout, default=default, sort_keys=True)


if __name__ == "__main__":
    main()
