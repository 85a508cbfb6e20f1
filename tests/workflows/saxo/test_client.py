import logging
import stat

import pytest

from tests.fixtures.fake_saxo import APP_SECRET, STATIC_TOKEN, issue_tokens
from workflows.saxo import SaxoClient, build_saxo_client, token_source
from workflows.saxo.auth import OAuthApp, OAuthTokens
from workflows.saxo.config import SaxoConfig
from workflows.saxo.errors import SaxoAuthError, SaxoError, SaxoRateLimitError
from workflows.saxo.tokens import TokenFile, TokenSet


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def oauth_client(fake_saxo, tmp_path, clock, tokens: dict | None = None):
    config = fake_saxo.config(token_file=tmp_path / "token.json")
    store = TokenFile(config.token_file)
    if tokens is not None:
        store.save(TokenSet.from_reply(tokens, now=clock()))
    source = OAuthTokens(OAuthApp(config, clock=clock), store, clock=clock)
    return SaxoClient(config, source, sleep=fake_saxo.sleep, retry_backoff=0), store


def test_every_request_carries_the_bearer_token(fake_saxo):
    fake_saxo.client().get("port/v1/accounts/me")

    assert fake_saxo.requests[0].headers["authorization"] == f"Bearer {STATIC_TOKEN}"


def test_a_401_refreshes_once_saves_the_rotated_pair_and_retries_the_read(fake_saxo, tmp_path):
    clock = Clock()
    client, store = oauth_client(fake_saxo, tmp_path, clock, issue_tokens(fake_saxo))
    fake_saxo.expire_access_tokens()

    reply = client.get("port/v1/accounts/me")

    assert reply["Data"][0]["AccountKey"]
    assert [r.path for r in fake_saxo.requests] == ["port/v1/accounts/me", "token",
                                                     "port/v1/accounts/me"]
    assert fake_saxo.requests_to("token")[0].form == {
        "grant_type": "refresh_token", "refresh_token": "refresh-1",
        "redirect_uri": "http://127.0.0.1:8765/callback"}
    assert store.load().refresh_token == "refresh-2"
    assert fake_saxo.requests[-1].bearer == "access-2"


def test_a_second_401_is_not_refreshed_again(fake_saxo, tmp_path):
    client, _ = oauth_client(fake_saxo, tmp_path, Clock(), issue_tokens(fake_saxo))
    fake_saxo.queue("GET", "port/v1/accounts/me", status=401)
    fake_saxo.queue("GET", "port/v1/accounts/me", status=401)

    with pytest.raises(SaxoAuthError):
        client.get("port/v1/accounts/me")

    assert len(fake_saxo.requests_to("token")) == 1


def test_tokens_are_refreshed_before_they_expire(fake_saxo, tmp_path):
    clock = Clock()
    client, store = oauth_client(fake_saxo, tmp_path, clock, issue_tokens(fake_saxo))
    clock.now += 1200 - 30  # inside the 60 s safety margin

    client.get("port/v1/accounts/me")

    assert [r.path for r in fake_saxo.requests] == ["token", "port/v1/accounts/me"]
    assert store.load().access_token == "access-2"


def test_an_expired_refresh_token_asks_to_log_in_again(fake_saxo, tmp_path):
    clock = Clock()
    client, _ = oauth_client(fake_saxo, tmp_path, clock, issue_tokens(fake_saxo))
    clock.now += 3600

    with pytest.raises(SaxoAuthError, match="saxo_login"):
        client.get("port/v1/accounts/me")


def test_without_tokens_the_error_says_not_logged_in(fake_saxo, tmp_path):
    client, _ = oauth_client(fake_saxo, tmp_path, Clock())

    with pytest.raises(SaxoAuthError, match="Not logged in") as caught:
        client.get("port/v1/accounts/me")
    assert caught.value.code == "NotLoggedIn"
    assert not fake_saxo.requests


def test_a_rejected_24_hour_token_is_an_auth_error_without_refresh(fake_saxo):
    fake_saxo.expire_access_tokens()

    with pytest.raises(SaxoAuthError) as caught:
        fake_saxo.client().get("port/v1/accounts/me")

    assert caught.value.status == 401
    assert "X-Correlation fake-" in caught.value.message
    assert not fake_saxo.requests_to("token")


def test_token_file_is_written_atomically_with_mode_0600(tmp_path):
    store = TokenFile(tmp_path / "sub" / "token.json")
    store.save(TokenSet("a", "r", 1.0, 2.0))
    store.save(TokenSet("b", "r2", 3.0, 4.0))

    assert stat.S_IMODE((tmp_path / "sub" / "token.json").stat().st_mode) == 0o600
    assert store.load() == TokenSet("b", "r2", 3.0, 4.0)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["token.json"]


def test_a_read_429_waits_for_the_reset_then_retries(fake_saxo):
    fake_saxo.queue("GET", "chart/v3/charts", status=429, headers={
        "X-RateLimit-ChartMinute-Limit": "120", "X-RateLimit-ChartMinute-Remaining": "0",
        "X-RateLimit-ChartMinute-Reset": "1"})

    reply = fake_saxo.client(rate_limit_margin=0).get(
        "chart/v3/charts", {"Uic": 1373, "AssetType": "StockIndex", "Horizon": 30})

    assert reply["Data"] == []
    assert len(fake_saxo.requests_to("chart/v3/charts")) == 2
    assert fake_saxo.sleeps == [pytest.approx(1.0, abs=0.05)]


def test_429_without_headers_waits_a_second_and_gives_up_after_three_waits(fake_saxo):
    for _ in range(4):
        fake_saxo.queue("GET", "port/v1/accounts/me", status=429)

    with pytest.raises(SaxoRateLimitError):
        fake_saxo.client(rate_limit_margin=0).get("port/v1/accounts/me")

    assert len(fake_saxo.sleeps) == 3 and all(s == pytest.approx(1, abs=0.05)
                                               for s in fake_saxo.sleeps)


def test_an_exhausted_quota_holds_the_next_request_of_that_group_only(fake_saxo):
    fake_saxo.queue("GET", "ref/v1/instruments", json={"Data": []}, headers={
        "X-RateLimit-RefDataInstrumentsMinute-Remaining": "0",
        "X-RateLimit-RefDataInstrumentsMinute-Reset": "1"})
    client = fake_saxo.client(rate_limit_margin=0)
    client.get("ref/v1/instruments")

    client.get("port/v1/accounts/me")
    assert fake_saxo.sleeps == []
    client.get("ref/v1/instruments")
    assert fake_saxo.sleeps == [pytest.approx(1.0, abs=0.05)]


def test_gets_are_retried_on_503(fake_saxo):
    fake_saxo.queue("GET", "port/v1/accounts/me", status=503)

    assert fake_saxo.client().get("port/v1/accounts/me")["Data"]
    assert len(fake_saxo.requests_to("port/v1/accounts/me")) == 2


def test_error_body_shapes_keep_saxos_code_and_message(fake_saxo):
    fake_saxo.queue("GET", "ref/v1/instruments", status=400, json={
        "ErrorCode": "InvalidModelState", "Message": "One or more properties are invalid!",
        "ModelState": {"AssetTypes": ["Unknown asset type"]}})

    with pytest.raises(SaxoError) as caught:
        fake_saxo.client().get("ref/v1/instruments")

    assert caught.value.code == "InvalidModelState"
    assert caught.value.model_state == {"AssetTypes": ["Unknown asset type"]}
    assert "AssetTypes: Unknown asset type" in str(caught.value)


def test_secrets_stay_out_of_reprs_errors_and_logs(fake_saxo, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    client, _ = oauth_client(fake_saxo, tmp_path, clock, issue_tokens(fake_saxo))
    fake_saxo.expire_access_tokens()
    client.get("port/v1/accounts/me")
    fake_saxo.queue("POST", "token", status=400, json={"error": "invalid_grant"})
    fake_saxo.expire_access_tokens()
    with pytest.raises(SaxoAuthError) as caught:
        client.get("port/v1/accounts/me")

    texts = [repr(client), repr(client.tokens), repr(client.config), str(caught.value),
             repr(TokenSet("access-1", "refresh-1", 1, 2)), caplog.text]
    for secret in (APP_SECRET, "access-1", "refresh-1", "access-2", "refresh-2", STATIC_TOKEN):
        assert all(secret not in text for text in texts), secret
    assert STATIC_TOKEN not in repr(fake_saxo.client().tokens)


def test_factory_reads_settings_and_prefers_the_24_hour_token(fake_saxo, settings, tmp_path):
    settings.KORDER_SAXO_BASE_URL = fake_saxo.base_url
    settings.KORDER_SAXO_AUTH_URL = fake_saxo.auth_url
    settings.KORDER_SAXO_ACCESS_TOKEN = STATIC_TOKEN
    settings.KORDER_SAXO_TOKEN_FILE = tmp_path / "t.json"

    client = build_saxo_client(settings, sleep=fake_saxo.sleep)

    assert client.environment == "sim" and client.gateway == fake_saxo.base_url
    assert client.get("port/v1/accounts/me")["Data"]


@pytest.mark.parametrize("environment, gateway, auth", [
    ("sim", "https://gateway.saxobank.com/sim/openapi/", "https://sim.logonvalidation.net/"),
    ("live", "https://gateway.saxobank.com/openapi/", "https://live.logonvalidation.net/")])
def test_environment_selects_gateway_and_auth_host_together(environment, gateway, auth):
    config = SaxoConfig(environment=environment)

    assert (config.gateway, config.auth_host) == (gateway, auth)


def test_mixing_environments_is_refused():
    with pytest.raises(ValueError, match="cannot use the live URL"):
        SaxoConfig(environment="sim", base_url="https://gateway.saxobank.com/openapi/")
    with pytest.raises(ValueError, match="SIM only"):
        SaxoConfig(environment="live", access_token="x")


def test_token_source_falls_back_to_not_logged_in_without_a_token_file():
    with pytest.raises(SaxoAuthError, match="Not logged in"):
        token_source(SaxoConfig()).token()


def test_added_latency_applies_per_request_and_requests_run_concurrently(fake_saxo):
    from concurrent.futures import ThreadPoolExecutor
    from time import perf_counter

    fake_saxo.latency = 0.2
    client = fake_saxo.client()
    started = perf_counter()
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: client.get("port/v1/accounts/me"), range(8)))
    elapsed = perf_counter() - started

    assert len(replies) == 8 and all(r["Data"] for r in replies)
    assert 0.2 <= elapsed < 0.9  # one after the other: 1.6 s (room for a loaded machine)
