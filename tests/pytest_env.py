"""Pytest plugin (-p tests.pytest_env): test-only environment, set before Django reads settings."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

os.environ.setdefault("KORDER_ENV_FILE", "")  # tests never read a developer's .env
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("KORDER_VAR_DIR", str(REPO / "var" / "test"))
