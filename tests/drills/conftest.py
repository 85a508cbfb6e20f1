"""Fault-drill fixtures: a dynalite process that can really be killed and restarted on its data,
and a Slack stub whose answers (status, delay) a drill controls.

Both are real loopback servers, like the shared fixtures; they differ in what can go wrong.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from orders import local_server, services

SLACK_TOKEN = "xoxb-drill-token"


class KillableDynalite:
    """dynalite on LevelDB files under `data_dir`, on a fixed loopback port across restarts."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = local_server.free_port()
        self.endpoint = local_server.endpoint(self.port)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        local_server.ensure_installed()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = local_server.command(port=self.port, data_dir=self.data_dir, fast_tables=True)
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        local_server.wait_listening(self.process, self.port)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; the port closes at once."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        deadline = time.monotonic() + 5
        while local_server.port_in_use(self.port) and time.monotonic() < deadline:
            time.sleep(0.02)

    def freeze(self) -> None:
        """SIGSTOP: the process keeps its port (the kernel still accepts connections) but
        answers nothing, like a hung server or a stalled network."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT: it resumes, and answers the requests that waited meanwhile."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@pytest.fixture
def killable_store(tmp_path: Path, settings: Any) -> Iterator[KillableDynalite]:
    """A running KillableDynalite with a fresh order table; settings and the model point at it."""
    server = KillableDynalite(tmp_path / "dynamodb")
    server.start()
    settings.KORDER_DYNAMODB_ENDPOINT = server.endpoint
    settings.KORDER_DYNAMODB_TABLE = f"drill_orders_{uuid.uuid4().hex[:8]}"
    services.create_order_table()
    try:
        yield server
    finally:
        server.kill()  # SIGKILL ends a stopped process too


class SlackStub:
    """A loopback Slack Web API. `status` (200, 429, 500) and `delay` (seconds before the
    answer) apply to every call; each call is recorded (method, JSON/form body, time).
    `on_post`, when set, is called with each chat.postMessage body before it is answered."""

    def __init__(self) -> None:
        self.status = 200
        self.delay = 0.0
        self.on_post: Callable[[dict[str, Any]], None] | None = None
        self.lock = threading.Lock()
        self.calls: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _slack_handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Every chat.postMessage that reached the stub (answered or not)."""
        with self.lock:
            return [c["body"] for c in self.calls if c["method"] == "chat.postMessage"
                    and (channel is None or c["body"].get("channel") == channel)]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _slack_handler(stub: SlackStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            is_json = "json" in (self.headers.get("Content-Type") or "")
            body = json.loads(raw or "{}") if is_json else {
                k: v[0] for k, v in parse_qs(raw).items()}
            with stub.lock:
                stub.calls.append({"method": self.path.rsplit("/", 1)[-1], "body": body,
                                   "at": time.monotonic()})
                status, delay, hook = stub.status, stub.delay, stub.on_post
            if hook is not None and self.path.endswith("chat.postMessage"):
                hook(body)
            if delay:
                time.sleep(delay)
            if status == 200:
                payload: dict[str, Any] = {"ok": True, "channel": body.get("channel"),
                                           "ts": f"{time.time():.6f}"}
            else:
                payload = {"ok": False, "error": "ratelimited" if status == 429 else "fatal"}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def slack_stub(settings: Any) -> Iterator[SlackStub]:
    """A SlackStub; settings point the engine's Slack notifier at it."""
    stub = SlackStub()
    settings.SLACK_BOT_TOKEN = SLACK_TOKEN
    settings.KORDER_SLACK_BASE_URL = stub.base_url
    try:
        yield stub
    finally:
        stub.stop()
