"""Running the app under gunicorn for a benchmark: start it on a free port of 127.0.0.1 in its
own process group, wait until it answers, and stop it with all its workers."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, threads: int, log: Path, app: str):
    """`app` under gunicorn on 127.0.0.1:`port`, in its own process group."""
    command = [
        str(BIN / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--threads", str(threads)]
    command.append(app)
    return subprocess.Popen(  # its own process group, so stopping it takes its workers along
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_gunicorn(process) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the group of the gunicorn this script started
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_ready(port: int, path: str, process, timeout: float = 60.0) -> None:
    deadline, last = time.monotonic() + timeout, "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
            last = f"HTTP {response.status}"
        except OSError as error:
            last = repr(error)
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s ({last})")
