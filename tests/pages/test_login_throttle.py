"""Login throttling (SPEC §13, django-axes): 10 failures per username or per client address
lock logins for 15 minutes (429), on the site login and /admin/login/, even with the right
password afterwards; `axes_reset` or the cool-off unlocks."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Dozens of logins: a cheap hasher keeps the module fast (throttling is not hashing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client: Client, username: str, password: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password,
                             "next": "/workflows/"})


def logged_in(client: Client) -> bool:
    return client.get("/workflows/").status_code == 200


@pytest.fixture
def ana(db, fast_hashing):
    return get_user_model().objects.create_user("ana", password=PASSWORD)


def test_30_wrong_logins_then_the_right_password_is_refused(ana):
    client = Client()
    statuses = [login(client, "ana", f"wrong-{n}").status_code for n in range(30)]
    assert statuses[:9] == [200] * 9  # the login form again, with its error
    assert set(statuses[10:]) == {429}
    response = login(Client(), "ana", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert not logged_in(client)


def test_one_address_trying_many_usernames_is_locked_too(ana):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        login(client, f"guess{n}", "x")
    assert login(client, "ana", PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.1")  # same user from elsewhere: the user is not locked
    assert login(other, "ana", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(db, fast_hashing):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = Client()
    for n in range(10):
        login(client, "root", f"wrong-{n}", "/admin/login/")
    response = login(client, "root", PASSWORD, "/admin/login/")
    assert response.status_code == 429


def test_axes_reset_unlocks(ana):
    client = Client()
    for n in range(12):
        login(client, "ana", f"wrong-{n}")
    assert login(client, "ana", PASSWORD).status_code == 429
    call_command("axes_reset", stdout=io.StringIO())
    assert login(client, "ana", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lock_expires_after_15_minutes(ana):
    client = Client()
    for n in range(10):
        login(client, "ana", f"wrong-{n}")
    assert login(client, "ana", PASSWORD).status_code == 429
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=15, seconds=1)
        attempt.save()
    assert login(client, "ana", PASSWORD).status_code == 302


def test_nine_failures_then_success_resets_the_count(ana):
    client = Client()
    for n in range(9):
        login(client, "ana", f"wrong-{n}")
    assert login(client, "ana", PASSWORD).status_code == 302
    client.post("/logout/")
    for n in range(9):
        login(client, "ana", f"wrong-{n}")
    assert login(client, "ana", PASSWORD).status_code == 302
