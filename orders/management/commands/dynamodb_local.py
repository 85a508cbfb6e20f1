"""manage.py dynamodb_local: run the local order store (dynalite) in the foreground.

Installs dynalite with `npm ci` if needed, refuses a busy port (a second dynalite on the same
data directory crashes), keeps data in KORDER_DYNAMODB_DATA_DIR, creates the order table,
and forwards SIGTERM/SIGINT to dynalite.
"""

from __future__ import annotations

import signal
import subprocess
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orders import connection, local_server, services
from orders.errors import OrderStoreUnavailable


class Command(BaseCommand):
    help = "Run dynalite on 127.0.0.1:KORDER_DYNAMODB_LOCAL_PORT with data in var/dynamodb/."

    def handle(self, *args: Any, **options: Any) -> None:
        port = settings.KORDER_DYNAMODB_LOCAL_PORT
        data_dir = settings.KORDER_DYNAMODB_DATA_DIR
        if local_server.port_in_use(port):
            raise CommandError(f"port {port} is already in use (is dynalite already running?)")
        try:
            local_server.ensure_installed()
            data_dir.mkdir(parents=True, exist_ok=True)
            process = subprocess.Popen(
                local_server.command(port=port, data_dir=data_dir), start_new_session=True
            )
        except (local_server.LocalServerError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        stopping = _forward_signals(process)
        self._prepare(process, port)
        self.stdout.write(f"dynalite on {local_server.endpoint(port)}, data in {data_dir}")
        code = process.wait()
        if code != 0 and not stopping:
            raise CommandError(f"dynalite exited with code {code}")

    def _prepare(self, process: subprocess.Popen, port: int) -> None:
        try:
            local_server.wait_listening(process, port)
            connection.bind(
                table_name=settings.KORDER_DYNAMODB_TABLE,
                endpoint=local_server.endpoint(port),
                region=settings.KORDER_DYNAMODB_REGION,
            )
            created = services.create_order_table()
        except (local_server.LocalServerError, OrderStoreUnavailable) as exc:
            process.terminate()
            process.wait()
            raise CommandError(str(exc)) from exc
        state = "created" if created else "exists"
        self.stdout.write(f"Table {settings.KORDER_DYNAMODB_TABLE!r} {state}.")


def _forward_signals(process: subprocess.Popen) -> list[int]:
    """Pass SIGTERM/SIGINT on to dynalite; the returned list fills with received signals."""
    received: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        if process.poll() is None:
            process.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return received
