#!/usr/bin/env bash
# The Debian package, as an admin meets it: it builds from the release build,
# lintian finds no errors, `dpkg -i` installs it (user, conffiles, secrets
# file mode, unit), the installed binary finds its data, `config check`
# passes the shipped config, systemd accepts the unit and rates its
# hardening, the service answers /healthz from the installed paths as the
# spamphibian user, reloads on SIGHUP and drains on SIGTERM; `dpkg --purge`
# removes it all. Needs root (or sudo without a password).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
cd "$root"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi
# Runs a command as the service's user.
as_service() { if [ "$(id -u)" -eq 0 ]; then runuser -u spamphibian -- "$@"; else sudo -n -u spamphibian "$@"; fi; }
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d)
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  $SUDO dpkg --purge spamphibian >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Build it (scripts/package runs lintian and fails on its errors).
deb=$(SPAMPHIBIAN_BUILD="$build" scripts/package 2>"$work/package.log" | tail -1) || { cat "$work/package.log" >&2; fail "scripts/package"; }
[ -f "$deb" ] || fail "no package at '$deb'"
echo "package: $deb ($(stat -c %s "$deb") bytes)"
grep -q libhiredis <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends lacks the runtime libraries"
grep -q redis-server <<<"$(dpkg-deb -f "$deb" Depends)" && fail "redis-server must be a Recommends, not a Depends"
grep -q redis-server <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "redis-server is not recommended"

# 2. Install it.
$SUDO dpkg --purge spamphibian >/dev/null 2>&1 || true
$SUDO dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
getent passwd spamphibian >/dev/null || fail "no spamphibian user"
[ "$(stat -c '%a %U %G' /etc/default/spamphibian)" = "640 root spamphibian" ] || fail "/etc/default/spamphibian: $(stat -c '%a %U %G' /etc/default/spamphibian)"
grep -q /etc/spamphibian/config.yaml <<<"$(dpkg-query --control-show spamphibian conffiles)" || fail "config.yaml is not a conffile"
[ -n "$(/usr/bin/spamphibian version)" ] || fail "spamphibian version"

# 3. The installed binary reads the installed data and the shipped config.
check=$(as_service env SPAMPHIBIAN_CONFIG=/etc/spamphibian/config.yaml /usr/bin/spamphibian config check 2>&1) \
  || { echo "$check" >&2; fail "config check of the shipped config"; }
grep -q '"model_training_data": "/usr/share/spamphibian/training_data.jsonl"' <<<"$check" || fail "training data not found under /usr/share: $check"
grep -q '"model_eval_data": "/usr/share/spamphibian/dev-set.jsonl"' <<<"$check" || fail "evaluation data not found under /usr/share"
grep -q '"gitlab_token": "(set)"' <<<"$check" && fail "a token is set by default"
printf 'server:\n  port: "eighty"\n' >"$work/bad.yaml"
set +e
SPAMPHIBIAN_CONFIG="$work/bad.yaml" /usr/bin/spamphibian config check >/dev/null 2>"$work/bad.log"
rc=$?
set -e
[ "$rc" = 2 ] || fail "config check of a bad file exited $rc, not 2"
grep -q "server.port" "$work/bad.log" || fail "config check does not name the bad key: $(cat "$work/bad.log")"
echo '{"id": 7, "username": "slot-gacor-777", "bio": "Situs slot gacor hari ini, daftar sekarang https://slot-gacor.example", "website_url": "https://slot-gacor.example"}' >"$work/user.json"
verdict=$(/usr/bin/spamphibian classify --type user "$work/user.json") || fail "classify with the installed model"
grep -q '"verdict": *"spam"' <<<"$verdict" || fail "the installed model does not call an obvious spam user spam: $verdict"

# 4. systemd accepts the unit, and its hardening rates OK.
systemd-analyze verify /lib/systemd/system/spamphibian.service || fail "systemd-analyze verify"
exposure=$(systemd-analyze security --offline=true /lib/systemd/system/spamphibian.service 2>/dev/null | sed -n 's/.*exposure level for spamphibian.service: \([0-9.]*\).*/\1/p')
echo "systemd exposure level: $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' || fail "exposure level '$exposure' above 2.0"
grep -q '^ExecStartPre=/usr/bin/spamphibian config check' /lib/systemd/system/spamphibian.service || fail "no config check before start"

# 5. The service from the installed paths, as its user, with the unit's
#    environment: /healthz, SIGHUP reloads, SIGTERM drains and exits 0.
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
port=$(free_port)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
as_service env SPAMPHIBIAN_CONFIG=/etc/spamphibian/config.yaml PORT="$port" ADMIN_PORT=0 \
  REDIS_HOST=127.0.0.1 REDIS_PORT="$redis_port" REDIS_KEY_PREFIX="pkgtest:" /usr/bin/spamphibian serve >"$work/serve.log" 2>&1 &
serve_pid=$!
ok=""
for _ in $(seq 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.1
done
[ -n "$ok" ] || { cat "$work/serve.log" >&2; fail "the installed service does not answer /healthz"; }
pid=$(pgrep -o -u spamphibian -f "/usr/bin/spamphibian serve")
[ -n "$pid" ] || fail "the service does not run as the spamphibian user"
$SUDO kill -HUP "$pid"
sleep 0.5
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "no /healthz after SIGHUP"
$SUDO kill -TERM "$pid"
set +e
wait "$serve_pid"
rc=$?
set -e
[ "$rc" = 0 ] || { tail -20 "$work/serve.log" >&2; fail "serve exited $rc after SIGTERM"; }

# 6. Purge removes it all.
$SUDO dpkg --purge spamphibian >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg --purge"; }
[ ! -e /usr/bin/spamphibian ] || fail "/usr/bin/spamphibian left behind"
[ ! -e /etc/spamphibian/config.yaml ] || fail "config.yaml left behind by purge"
getent passwd spamphibian >/dev/null && fail "the spamphibian user is left behind by purge"
echo "PASS"
