"""Helpers for tests that run `manage.py` in real subprocesses against a prepared project:
its own SQLite file under tmp, the test's dynalite table, and a few workflows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.shared import REPO


def zone_workflows_yaml(prefix: str, count: int) -> str:
    """`count` DAX zone workflows that hold on the engine tests' sample bars."""
    return "".join(
        f"- name: {prefix} {i}\n  index: DAX.I\n  cfd: GER40.I\n  enable: true\n"
        "  conditions:\n"
        "  - indicator: {name: zone, ut: h1, value: 21000, zone_value: 23000}\n"
        "    close: {direction: below, ut: h1}\n"
        for i in range(count)
    )


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py ARGS` with `env`; return stdout, fail the test with stderr otherwise."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def project_env(tmp_path: Path, *, order_store: Any, workflows_yaml: str,
                **settings: str) -> dict[str, str]:
    """Environment for subprocesses: fresh var/ (migrated), the test's order table, the given
    settings; the workflows imported."""
    values = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    values.update({
        "KORDER_ENV_FILE": "", "KORDER_VAR_DIR": str(tmp_path / "var"),
        "KORDER_DYNAMODB_ENDPOINT": order_store.endpoint,
        "KORDER_DYNAMODB_TABLE": order_store.table_name,
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        **settings,
    })
    (tmp_path / "var").mkdir()
    (tmp_path / "workflows.yml").write_text(workflows_yaml)
    manage(values, "migrate", "--no-input", "-v0")
    manage(values, "import_workflows", str(tmp_path / "workflows.yml"))
    return values
