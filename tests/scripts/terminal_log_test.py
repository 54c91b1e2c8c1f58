#!/usr/bin/python3
"""A person who runs the service in a terminal reads lines, not JSON; a
service manager or a pipe gets JSON. Runs `spamphibian serve --stages
events` (Redis unreachable: it logs and keeps trying) once on a pseudo-
terminal and once on a pipe, for two seconds each.

Usage: terminal_log_test.py SPAMPHIBIAN_BINARY
"""
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def env():
    e = dict(os.environ)
    e.update({"PORT": str(free_port()), "ADMIN_PORT": "0", "SPAMCHECK_PORT": "0", "REDIS_HOST": "127.0.0.1",
              "REDIS_PORT": str(free_port()), "LOGLEVEL": "info"})
    e.pop("LOG_FORMAT", None)
    return e


def read_for(fd, seconds):
    out, end = b"", time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out.decode("utf-8", "replace")


def logged(binary, reader, writer):
    """What `serve --stages events` logs in two seconds to `writer`, read from `reader`."""
    p = subprocess.Popen([binary, "serve", "--stages", "events"], stdout=writer, stderr=writer, env=env())
    os.close(writer)
    text = read_for(reader, 2.0)
    p.send_signal(signal.SIGKILL)
    p.wait()
    return text


def main(binary):
    on_terminal = logged(binary, *pty.openpty())
    lines = [l for l in on_terminal.splitlines() if l.strip()]
    assert lines, "nothing logged on the terminal"
    assert not any(l.lstrip().startswith("{") for l in lines), "JSON on a terminal:\n" + on_terminal
    assert any(" starting" in l for l in lines), "no readable 'starting' line:\n" + on_terminal

    on_pipe = logged(binary, *os.pipe())
    json_lines = [l for l in on_pipe.splitlines() if l.startswith("{")]
    assert json_lines and '"event":"starting"' in on_pipe, "no JSON on a pipe:\n" + on_pipe
    print("terminal: %d readable lines; pipe: %d JSON lines" % (len(lines), len(json_lines)))


if __name__ == "__main__":
    main(sys.argv[1])
