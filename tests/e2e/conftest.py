"""Start the real app (streamlit run app.py) for browser tests; stop it afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser import browser as _browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
STREAMLIT = Path(sys.executable).with_name("streamlit")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, env: dict[str, str] | None = None, script: str = "app.py"):
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}/"
        self.log = ROOT / "test-artifacts" / f"streamlit-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        cmd = [str(STREAMLIT), "run", script, "--server.port", str(self.port), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.enableStaticServing", "true"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                                     stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not become healthy; see {self.log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def app_server():
    server = AppServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bad_data_server():
    server = AppServer({"BORDERMAP_EVENTS": str(ROOT / "tests" / "data" / "bad" / "many-problems.geojson")})
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    with _browser() as b:
        yield b


@pytest.fixture(scope="session")
def artifacts() -> Path:
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    return out
