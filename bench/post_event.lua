-- wrk script: POST one GitLab hook payload, as GitLab sends it.
-- The payload file and token come from the environment (bench/ingest sets them).
local f = assert(io.open(os.getenv("BENCH_PAYLOAD"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Gitlab-Event"] = "System Hook"
wrk.headers["X-Gitlab-Token"] = os.getenv("BENCH_TOKEN") or ""
