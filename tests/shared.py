"""Locate ../shared (the reference material) at run time; it is never copied into the repo.

Outside CI a missing ../shared skips the test; with CI=true it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    path = Path(os.environ.get("KORDER_SHARED_DIR", REPO.parent / "shared"))
    if path.is_dir():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the shared reference folder {path} is missing")
    pytest.skip(f"shared reference folder {path} is absent (outside CI)")


def shared_file(*parts: str) -> Path:
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from the shared reference folder")
    return path
