"""How many requests a second nginx holds in front of regkg, with deploy/nginx.conf (its
upstream and port pointed at 127.0.0.1), against regkg answering the same GET itself.
Skipped, with a line saying so, where there is no nginx binary."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from bench import client, procs

ROOT: Final = Path(__file__).resolve().parent.parent
NGINX_CONF: Final = ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


@contextmanager
def nginx_in_front(binary: str, regkg_port: int, scratch: Path) -> Iterator[int]:
    """nginx with deploy/nginx.conf in front of regkg on `regkg_port`; yields its port."""
    port = procs.free_port()
    conf = NGINX_CONF.read_text()
    for old, new in (
        ("server regkg:8000;", f"server 127.0.0.1:{regkg_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{port};"),
    ):
        if conf.count(old) != 1:
            raise RuntimeError(f"deploy/nginx.conf no longer has {old!r}")
        conf = conf.replace(old, new)
    prefix = scratch / "nginx"
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(conf)
    # As root, nginx hands its workers to `nobody`, who cannot enter a private scratch folder.
    globals_ = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    command = [binary, "-e", "stderr", "-p", f"{prefix}/", "-c", "nginx.conf", "-g", globals_]
    with (prefix / "stderr.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((prefix / "stderr.log").read_text()[-2000:])
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(port: int) -> bool:
    return procs.healthy(port)


def cached_get_rates(
    regkg_port: int, scratch: Path, path: str, connections: int, per_connection: int, rounds: int
) -> tuple[float, float] | None:
    """Requests a second for one GET repeated on `connections` connections, answered by
    regkg itself and by nginx from its cache, in alternating rounds; None without nginx."""
    binary = nginx_binary()
    if binary is None:
        return None
    get = client.request("GET", path, headers=("Accept: application/json",))
    with nginx_in_front(binary, regkg_port, scratch) as cache_port:
        client.drive([client.Job(cache_port, [get])])  # the miss that fills the cache
        served = {regkg_port: [0, 0.0], cache_port: [0, 0.0]}
        for _ in range(rounds):
            for port, tally in served.items():
                outcomes = client.drive([client.Job(port, [get] * per_connection)] * connections)
                tally[0] += sum(len(o.latencies) for o in outcomes)
                tally[1] += max(o.ended for o in outcomes) - min(o.began for o in outcomes)
        return (
            served[regkg_port][0] / served[regkg_port][1],
            served[cache_port][0] / served[cache_port][1],
        )
