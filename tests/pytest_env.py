"""Pytest plugin (-p tests.pytest_env): test-only environment defaults, set before Django reads its settings."""

import os

os.environ.setdefault("KORDER_ENV_FILE", "")  # tests never read a developer's .env
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("KORDER_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "test"))
