#!/usr/bin/env python3
"""Puts N labels into an S3 bucket (s3rver), as reviewers' answers would:
labels/<type>/<id>-bench.json, {"label", "item", "signals", "time"}, items
taken round-robin from a training-format JSONL with fresh ids (a third of
them relabelled later, so that "the last label wins" has work to do).
Signs with AWS SigV4; 16 connections.

  put_labels.py ENDPOINT BUCKET ACCESS SECRET DATA N
"""
import concurrent.futures
import datetime
import hashlib
import hmac
import http.client
import json
import sys
import threading
import urllib.parse

endpoint, bucket, access, secret, data, n = sys.argv[1:7]
n = int(n)
url = urllib.parse.urlparse(endpoint)
items = [json.loads(l) for l in open(data) if l.strip()]
local = threading.local()


def sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def put(key, body):
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPConnection(url.hostname, url.port)
    now = datetime.datetime.utcnow()
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    payload = hashlib.sha256(body).hexdigest()
    path = "/" + bucket + "/" + urllib.parse.quote(key)
    headers = {"host": url.netloc, "x-amz-content-sha256": payload, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["PUT", path, "", "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, payload])
    scope = f"{date}/us-east-1/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = sign(sign(sign(sign(("AWS4" + secret).encode(), date), "us-east-1"), "s3"), "aws4_request")
    headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access}/{scope}, SignedHeaders={signed}, "
                                f"Signature={hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()}")
    local.conn.request("PUT", path, body=body, headers=headers)
    r = local.conn.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit(f"PUT {key}: {r.status}")


def one(i):
    src = items[i % len(items)]
    item = dict(src["item"])
    item_id = 900000 + (i if i % 3 else i // 3)  # every third relabels an earlier item
    item["id"] = str(item_id)
    label = {"label": src["label"], "item": item, "signals": src.get("signals", {}),
             "time": f"2026-12-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z", "source": "bench"}
    put(f"labels/{item['type']}/{item_id}-bench-{i}.json", json.dumps(label).encode())


with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(one, range(n)))
print(f"put {n} labels")
