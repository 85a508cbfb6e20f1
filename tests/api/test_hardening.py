"""Production hardening (SPEC §13): check --deploy clean, the secret key rules, the DEBUG-from-
.env warning, a CSP with no inline script, API docs served by the app, /healthz on a real
query."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client

from korder_site.env import checked_secret_key

REPO = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    dropped = ("DATABASE_URL", "DJANGO_HTTPS", "DJANGO_DEBUG", "DJANGO_SECRET_KEY",
               "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests set the last one
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({
        "KORDER_ENV_FILE": "", "KORDER_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "korder.example.com",
    })
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout


@pytest.mark.parametrize(("key", "message"), [
    ("", "required"),
    ("change-me", "example"),
    ("short-but-random-Xk3j", "at least 50"),
    ("django-insecure-" + "a1b2c3d4e5" * 5, "example"),
])
def test_a_missing_short_or_example_secret_key_is_refused_when_debug_is_off(key, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        checked_secret_key(key, debug=False)
    assert checked_secret_key(key, debug=True)  # local development may use anything


def test_the_server_refuses_to_start_with_the_example_key(tmp_path):
    done = manage(production_env(tmp_path, DJANGO_SECRET_KEY="change-me"), "check")
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr


def test_debug_switched_on_by_a_dotenv_file_is_a_warning_at_start(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\n")
    env = production_env(tmp_path, KORDER_ENV_FILE=str(env_file))
    env.pop("DJANGO_DEBUG")
    done = manage(env, "check")
    assert done.returncode == 0, done.stderr
    assert "WARNING: DJANGO_DEBUG is on because of" in done.stderr
    quiet = manage(production_env(tmp_path), "check")
    assert "WARNING" not in quiet.stderr


def test_pages_carry_a_csp_without_inline_script(client: Client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (REPO / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: javascript:" for _ in re.findall("javascript:", text)]
    assert offenders == []


@pytest.mark.django_db
def test_api_docs_load_their_assets_from_the_app(admin_client: Client):
    response = admin_client.get("/api/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), page
    assert "'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_healthz_runs_a_real_query_on_the_database(client: Client, order_store):
    assert client.get("/healthz").status_code == 200
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("ALTER TABLE workflows_workflow RENAME TO workflows_workflow_gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("down")
