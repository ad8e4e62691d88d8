#!/usr/bin/env python3
"""Drive CreateAccessPoint through boto3 from many threads at once: the load the scale tests need.

boto3 is the judge here as much as the driver: every request is signed, sent and parsed by botocore, with
retries off so each outcome is the server's first answer. Prints one JSON object on standard output:
``{"succeeded": [names], "errors": {code: count}}``.

    bulk  --count N [--prefix P] [--threads T] [--progress FILE]
        N distinct access points P00000, P00001, ... split across T threads. With --progress, each success
        appends its name to FILE as it happens (the kill test watches it to strike mid-burst). Connection
        failures (the server was killed) count under "ConnectionError" and the thread goes on.
    race  --name NAME [--count N]
        N threads released together by a barrier, each creating the same NAME.

Common: --endpoint https://s3.lab.localhost:PORT --ca CA.pem --account ID --bucket BUCKET; credentials and
region come from the usual AWS_* environment variables.
"""
import argparse
import json
import sys
import threading

import boto3
import botocore.config
import botocore.exceptions


def client(args, pool):
    config = botocore.config.Config(
        retries={"max_attempts": 1, "mode": "standard"},
        max_pool_connections=pool,
        connect_timeout=5,
        read_timeout=30,
    )
    return boto3.session.Session().client(
        "s3control", endpoint_url=args.endpoint, verify=args.ca, config=config
    )


def create(s3control, args, name, succeeded, errors, lock, progress=None):
    try:
        s3control.create_access_point(AccountId=args.account, Name=name, Bucket=args.bucket)
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        with lock:
            errors[code] = errors.get(code, 0) + 1
        return
    except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError):
        with lock:
            errors["ConnectionError"] = errors.get("ConnectionError", 0) + 1
        return
    with lock:
        succeeded.append(name)
        if progress is not None:
            progress.write(name + "\n")
            progress.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["bulk", "race"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--prefix", default="ap-")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--name", default="contested")
    parser.add_argument("--progress")
    args = parser.parse_args()

    succeeded, errors, lock = [], {}, threading.Lock()
    progress = open(args.progress, "a") if args.progress else None
    if args.mode == "bulk":
        s3control = client(args, args.threads)
        names = [f"{args.prefix}{i:05d}" for i in range(args.count)]

        def work(slice_):
            for name in slice_:
                create(s3control, args, name, succeeded, errors, lock, progress)

        threads = [threading.Thread(target=work, args=(names[i::args.threads],)) for i in range(args.threads)]
    else:
        barrier = threading.Barrier(args.count)
        # One client per thread, its connection opened before the barrier, so the creates really overlap.
        clients = [client(args, 1) for _ in range(args.count)]
        for c in clients:
            c.list_access_points(AccountId=args.account, MaxResults=1)

        def work(c):
            barrier.wait()
            create(c, args, args.name, succeeded, errors, lock)

        threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if progress is not None:
        progress.close()
    json.dump({"succeeded": sorted(succeeded), "errors": errors}, sys.stdout)


if __name__ == "__main__":
    main()
