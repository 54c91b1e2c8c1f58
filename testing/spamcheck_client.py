#!/usr/bin/python3
"""GitLab's spam-check client, as GitLab calls it (lib/gitlab/spamcheck/
client.rb): Python's grpcio from Debian, stubs generated from
proto/spamcheck.proto by protoc and grpc_python_plugin at build time.

  spamcheck_client.py --stubs DIR --target HOST:PORT [--key KEY] [--ca PEM]
      call issue|snippet|generic REQUEST_JSON   one check; prints the answer as JSON
      health                                    grpc.health.v1 Check of ""
      garbage                                   bytes that are no message, to CheckForSpamIssue
      load N CONCURRENCY REQUEST_JSON METHOD    N checks from CONCURRENCY threads; latencies

REQUEST_JSON: {"user": {"id", "username", "emails": [{"email", "verified"}],
"org", "created_at": seconds, "abuse_metadata": {..}}, "title",
"description", "text", "type", "files": [paths], "action": "create"|"update",
"project": {"id", "path"}, "user_in_project"}.

The key goes raw in `authorization` (no "Bearer"), with an
x-gitlab-correlation-id, and every call has GitLab's 2 s deadline.
"""
import json
import sys
import threading
import time

DEADLINE = 2.0


def parse_args(argv):
    opts = {"key": None, "ca": None}
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--stubs", "--target", "--key", "--ca"):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    return opts, rest


opts, args = parse_args(sys.argv[1:])
sys.path.insert(0, opts["stubs"])
import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402
import spamcheck_pb2 as pb  # noqa: E402
import spamcheck_pb2_grpc as pb_grpc  # noqa: E402


def channel():
    if opts["ca"]:
        creds = grpc.ssl_channel_credentials(root_certificates=open(opts["ca"], "rb").read())
        return grpc.secure_channel(opts["target"], creds)
    return grpc.insecure_channel(opts["target"])


def metadata():
    md = [("x-gitlab-correlation-id", "e2e-%d" % time.monotonic_ns())]
    if opts["key"] is not None:
        md.append(("authorization", opts["key"]))
    return md


def stamp(seconds):
    t = timestamp_pb2.Timestamp()
    t.seconds = int(seconds)
    return t


def user_of(spec):
    u = pb.User(id=spec.get("id", 0), username=spec.get("username", ""), org=spec.get("org", ""))
    for e in spec.get("emails", []):
        u.emails.add(email=e["email"], verified=e.get("verified", False))
    if "created_at" in spec:
        u.created_at.CopyFrom(stamp(spec["created_at"]))
    for k, v in spec.get("abuse_metadata", {}).items():
        u.abuse_metadata[k] = float(v)
    return u


def message(method, spec):
    common = {}
    if "user" in spec:
        common["user"] = user_of(spec["user"])
    action = pb.UPDATE if spec.get("action") == "update" else pb.CREATE
    project = pb.Project(project_id=spec.get("project", {}).get("id", 0),
                         project_path=spec.get("project", {}).get("path", ""))
    now = stamp(time.time())
    if method == "issue":
        return pb.Issue(title=spec.get("title", ""), description=spec.get("description", ""), action=action,
                        user_in_project=spec.get("user_in_project", False), project=project, created_at=now,
                        updated_at=now, **common)
    if method == "snippet":
        m = pb.Snippet(title=spec.get("title", ""), description=spec.get("description", ""), action=action,
                       user_in_project=spec.get("user_in_project", False), project=project, created_at=now,
                       updated_at=now, **common)
        for path in spec.get("files", []):
            m.files.add(path=path)
        return m
    return pb.Generic(text=spec.get("text", ""), type=spec.get("type", ""), action=action,
                      user_in_project=spec.get("user_in_project", False), project=project, created_at=now,
                      updated_at=now, **common)


def call(stub, method, spec):
    fn = {"issue": stub.CheckForSpamIssue, "snippet": stub.CheckForSpamSnippet,
          "generic": stub.CheckForSpamGeneric}[method]
    start = time.monotonic()
    try:
        r = fn(message(method, spec), timeout=DEADLINE, metadata=metadata())
        out = {"code": "OK", "verdict": pb.SpamVerdict.Verdict.Name(r.verdict), "score": r.score,
               "evaluated": r.evaluated, "reason": r.reason, "error": r.error,
               "extra": dict(r.extra_attributes)}
    except grpc.RpcError as e:
        out = {"code": e.code().name, "details": e.details()}
    out["ms"] = (time.monotonic() - start) * 1000.0
    return out


def main():
    ch = channel()
    cmd = args[0]
    if cmd == "call":
        print(json.dumps(call(pb_grpc.SpamcheckServiceStub(ch), args[1], json.loads(args[2]))))
    elif cmd == "health":
        # grpc.health.v1.Health/Check for the server as a whole (service ""):
        # the request is empty, the answer field 1 (status) as a varint:
        # 1 SERVING, 2 NOT_SERVING. Debian's grpcio has no grpc_health module.
        check = ch.unary_unary("/grpc.health.v1.Health/Check",
                               request_serializer=lambda b: b, response_deserializer=lambda b: b)
        try:
            r = check(b"", timeout=DEADLINE)
            names = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}
            status = r[1] if len(r) >= 2 and r[0] == 0x08 else 0
            print(json.dumps({"code": "OK", "status": names.get(status, str(status))}))
        except grpc.RpcError as e:
            print(json.dumps({"code": e.code().name, "details": e.details()}))
    elif cmd == "garbage":
        raw = ch.unary_unary("/spamcheck.SpamcheckService/CheckForSpamIssue",
                             request_serializer=lambda b: b, response_deserializer=lambda b: b)
        try:
            raw(b"\xff\xff\xff\xff\x0f\x12\x05", timeout=DEADLINE, metadata=metadata())
            print(json.dumps({"code": "OK"}))
        except grpc.RpcError as e:
            print(json.dumps({"code": e.code().name, "details": e.details()}))
    elif cmd == "load":
        n, conc, spec, method = int(args[1]), int(args[2]), json.loads(args[3]), args[4]
        stub = pb_grpc.SpamcheckServiceStub(ch)
        lat, codes, lock = [], {}, threading.Lock()
        todo = iter(range(n))

        def worker():
            while True:
                with lock:
                    if next(todo, None) is None:
                        return
                r = call(stub, method, spec)
                with lock:
                    lat.append(r["ms"])
                    codes[r["code"]] = codes.get(r["code"], 0) + 1
        start = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(conc)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
        lat.sort()
        pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
        print(json.dumps({"n": n, "concurrency": conc, "codes": codes, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
                          "max_ms": lat[-1], "per_second": n / wall}))
    else:
        sys.exit("unknown command " + cmd)


main()
