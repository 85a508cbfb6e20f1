"""manage.py ensure_admin: make sure a login exists and print it.

First run: create `admin` with a random password, saved to var/admin-login.txt (mode 0600) so
later runs of `make run` can point to it while it is still the valid password.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

LoginState = Literal["created", "unchanged", "changed"]


def login_file() -> Path:
    return Path(settings.VAR_DIR) / "admin-login.txt"


def ensure_login(username: str) -> tuple[LoginState, str]:
    """Create `username` as a superuser with a random password if it does not exist.

    Returns ("created", password) the first time, ("unchanged", password) while the password
    saved in var/admin-login.txt is still valid, ("changed", "") once it was changed."""
    saved = login_file()
    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(password)
        os.chmod(saved, 0o600)
        return "created", password
    if saved.exists() and user.check_password(saved.read_text().strip()):
        return "unchanged", saved.read_text().strip()
    return "changed", ""


class Command(BaseCommand):
    help = "Create the admin user with a printed password if no superuser exists yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        state, password = ensure_login(username)
        if state == "changed":
            self.stdout.write(f"login: {username} (password changed since; reset it with "
                              "manage.py changepassword)")
            return
        self.stdout.write(self.style.SUCCESS(f"login: {username} / password: {password}"))
