"""Run the localstripe subprocess for the demo and the tests (never in production)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

LAUNCHER = Path(settings.BASE_DIR) / "scripts" / "localstripe_launcher.py"


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int, *, timeout: float = 20.0) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(LAUNCHER), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited: {process.stderr.read().decode()[-2000:]}")
        if port_open(port):
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"localstripe did not listen on 127.0.0.1:{port} within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
