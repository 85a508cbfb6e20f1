"""The WSGI entry point warms each worker up before its first request, without network."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.shared import REPO

PROBE = """
import gc, io, wsgiref.util
import korder_site.wsgi as entry
from orders.models import WorkflowOrder
assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
assert WorkflowOrder._get_connection().connection._client is not None
environ = {"PATH_INFO": "/login/"}
wsgiref.util.setup_testing_defaults(environ)
statuses = []
entry.application(environ, lambda status, headers: statuses.append(status))
print(statuses[0])
"""


def test_a_worker_is_warm_and_frozen_before_its_first_request_even_with_the_store_down(
    tmp_path,
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update({
        "KORDER_ENV_FILE": "", "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "KORDER_VAR_DIR": str(tmp_path),
        "KORDER_DYNAMODB_ENDPOINT": "http://127.0.0.1:9",  # nothing listens: no request sent
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "DJANGO_SETTINGS_MODULE": "korder_site.settings",
    })
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200 OK"
