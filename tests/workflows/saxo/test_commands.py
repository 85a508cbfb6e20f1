import io
import socket
import stat
import threading
import time

import pytest
import requests
from django.core.management import CommandError, call_command

from tests.fixtures.fake_saxo import STATIC_TOKEN
from workflows.saxo.login import receive_redirect
from workflows.saxo.tokens import TokenFile


@pytest.fixture
def saxo_settings(settings, fake_saxo, tmp_path):
    settings.KORDER_SAXO_ENVIRONMENT = "sim"
    settings.KORDER_SAXO_BASE_URL = fake_saxo.base_url
    settings.KORDER_SAXO_AUTH_URL = fake_saxo.auth_url
    settings.KORDER_SAXO_APP_KEY = "fake-app-key"
    settings.KORDER_SAXO_APP_SECRET = "fake-app-secret"
    settings.KORDER_SAXO_TOKEN_FILE = tmp_path / "token.json"
    settings.KORDER_SAXO_ACCESS_TOKEN = ""
    settings.KORDER_SAXO_ACCOUNT_KEY = ""
    return settings


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_saxo_check_prints_environment_account_and_instrument(saxo_settings):
    saxo_settings.KORDER_SAXO_ACCESS_TOKEN = STATIC_TOKEN

    out = run("saxo_check", "--symbol", "ITP:xpar")

    assert "Environment: SIM" in out
    assert "Login: 24-hour SIM token" in out
    assert "Account: 9226397 SIM EUR EUR key Cf4xZWiYL6W1nMKpygBLLA==" in out
    assert "Instrument: ITP:xpar -> Uic 1936, Stock, Interparfums" in out
    assert STATIC_TOKEN not in out


def test_saxo_check_says_clearly_when_not_logged_in(saxo_settings, fake_saxo):
    with pytest.raises(CommandError, match="Not logged in.*saxo_login"):
        run("saxo_check")
    assert not fake_saxo.requests


def test_saxo_login_exchanges_a_pasted_redirect_url_and_saves_the_tokens(saxo_settings, fake_saxo):
    out = run("saxo_login", "--url", "http://127.0.0.1:8765/callback?code=fake-code&state=x")

    assert f"{fake_saxo.auth_url}authorize?response_type=code&client_id=fake-app-key" in out
    assert "Logged in" in out
    path = saxo_settings.KORDER_SAXO_TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert TokenFile(path).load().access_token == "access-1"
    [exchange] = fake_saxo.requests_to("token")
    assert exchange.form["grant_type"] == "authorization_code"
    assert "fake-app-secret" not in out


def test_saxo_login_reports_a_refused_code(saxo_settings):
    with pytest.raises(CommandError, match="invalid_grant"):
        run("saxo_login", "--url", "http://127.0.0.1:8765/callback?code=wrong")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_redirect_is_received_on_the_loopback_port():
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    result: list[str] = []
    thread = threading.Thread(target=lambda: result.append(
        receive_redirect(redirect_uri, timeout=5)))
    thread.start()
    for _ in range(100):
        try:
            requests.get(redirect_uri.replace("/callback", "/favicon.ico"), timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.01)
    reply = requests.get(f"{redirect_uri}?code=abc&state=s1", timeout=1)
    thread.join(2)

    assert reply.status_code == 200 and "close this window" in reply.text
    assert result == [f"{redirect_uri}?code=abc&state=s1"]


def test_waiting_for_the_redirect_times_out():
    with pytest.raises(Exception, match="in time"):
        receive_redirect(f"http://127.0.0.1:{free_port()}/callback", timeout=0.05)
