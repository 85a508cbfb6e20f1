"""manage.py ensure_admin: make sure a login exists and print it.

First run: create `admin` with a random password, saved to var/admin-login.txt (mode 0600) so
later runs of `make run` can print it again while it is still the valid password.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create the admin user with a printed password if no superuser exists yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        saved = Path(settings.VAR_DIR) / "admin-login.txt"
        users = get_user_model()
        user = users.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser(username=username, email="", password=password)
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(password)
            os.chmod(saved, 0o600)
        elif saved.exists() and user.check_password(saved.read_text().strip()):
            password = saved.read_text().strip()
        else:
            self.stdout.write(f"login: {username} (password changed since; reset it with "
                              "manage.py changepassword)")
            return
        self.stdout.write(self.style.SUCCESS(f"login: {username} / password: {password}"))
