#!/usr/bin/python3
"""compose.yaml as Debian's podman-compose reads it: every ${...} is
substituted (podman-compose 1.0.3 leaves "${VAR:-}", an empty default, in
the value as it is, and the service would get that text as a URL), with
an empty environment and with upstream's variables set; the service gets
upstream's settings unchanged. Reads the file through podman-compose's own
substitution, so nothing is started or created."""
import sys

import yaml

try:
    import podman_compose
except ImportError:
    print("FAIL: podman-compose is not installed (scripts/install-deps installs it)")
    sys.exit(1)

path = sys.argv[1]
with open(path) as f:
    compose = yaml.safe_load(f)

upstream = {"GITLAB_URL": "https://gitlab.example.org", "GITLAB_ACCESS_TOKEN": "glpat-x",
            "SLACK_WEBHOOK_URL": "https://hooks.slack.example/T/B/x", "MODEL_URL": "http://model.example:5000"}
failures = []
for env in ({}, upstream):
    services = podman_compose.rec_subs(compose, env)["services"]
    for name, service in services.items():
        for where, value in [("environment", service.get("environment", {})), ("command", service.get("command", [])),
                             ("image", service.get("image", ""))]:
            text = repr(value)
            # "$$" is an escaped "$" that reaches the container's shell.
            if "${" in text.replace("$${", ""):
                failures.append(f"{name}.{where} keeps an unsubstituted variable: {text}")
    spam = services["spamphibian"]["environment"]
    for key, value in env.items():
        if spam.get(key) != value:
            failures.append(f"spamphibian.environment.{key} is {spam.get(key)!r}, not upstream's {value!r}")
    if not env and spam.get("SLACK_WEBHOOK_URL") != "":
        failures.append(f"SLACK_WEBHOOK_URL unset gives {spam.get('SLACK_WEBHOOK_URL')!r}, not empty")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
