"""The interactive part of the code flow: receive Saxo's redirect on a loopback port."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlparse

from workflows.saxo.errors import SaxoAuthError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_DONE_PAGE = (b"<html><body><p>k-order: Saxo login received. "
              b"You can close this window.</p></body></html>")


def loopback_port(redirect_uri: str) -> int | None:
    """The port to listen on when the redirect URI points at this machine, else None."""
    url = urlparse(redirect_uri)
    if url.scheme != "http" or url.hostname not in LOOPBACK_HOSTS or not url.port:
        return None
    return url.port


def receive_redirect(redirect_uri: str, *, timeout: float = 300.0) -> str:
    """Serve once on the redirect URI's loopback port; the full URL Saxo redirected to.
    Raises SaxoAuthError on timeout."""
    port = loopback_port(redirect_uri)
    if port is None:
        raise SaxoAuthError(f"{redirect_uri} is not a loopback http URL with a port",
                            code="NotLoopback")
    parsed = urlparse(redirect_uri)
    received: list[str] = []

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if urlparse(self.path).path != (parsed.path or "/"):
                self.send_error(404)
                return
            received.append(f"http://{parsed.netloc}{self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(_DONE_PAGE)))
            self.end_headers()
            self.wfile.write(_DONE_PAGE)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the query string carries the one-time code

    deadline = time.monotonic() + timeout
    with HTTPServer((parsed.hostname or "127.0.0.1", port), Callback) as server:
        while not received and time.monotonic() < deadline:
            server.timeout = max(0.01, deadline - time.monotonic())
            server.handle_request()  # one request (or the timeout); stray ones (favicon) loop
    if not received:
        raise SaxoAuthError("No redirect from Saxo arrived in time", code="LoginTimeout")
    return received[0]
