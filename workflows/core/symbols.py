"""Market symbols (`index`, `cfd`): what one may look like, and file names derived from one.

A symbol names files (`<symbol>_30m.csv`) and URLs, so it is a short run of letters, digits
and `. _ : -` starting with a letter or digit: never a `/`, a NUL, a space or a lone `..`
(SPEC §13). Pure Python; `workflows.validation` and the CSV market data both use it, the
latter again at the point of use so a row already in the database can't leave its folder.
"""

from __future__ import annotations

import re
from pathlib import Path

SYMBOL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
SYMBOL_MAX_LENGTH = 64
_SYMBOL = re.compile(SYMBOL_PATTERN)
SYMBOL_RULE = (
    "must be 1 to 64 letters, digits or . _ : - starting with a letter or digit "
    "(no '/', spaces or control characters)"
)


class UnsafeSymbol(ValueError):
    """A symbol that breaks SYMBOL_PATTERN, or a file name that would leave its folder."""


def is_symbol(value: object) -> bool:
    return isinstance(value, str) and _SYMBOL.fullmatch(value) is not None


def check_symbol(value: str) -> str:
    """`value` unchanged when it is a valid symbol, else UnsafeSymbol naming it."""
    if not is_symbol(value):
        raise UnsafeSymbol(f"{value[:80]!r} {SYMBOL_RULE}")
    return value


def file_in(directory: Path, name: str) -> Path:
    """`directory / name`, refusing any name that would resolve outside `directory`."""
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        raise UnsafeSymbol(f"unsafe file name {name[:80]!r}")
    base = directory.resolve()
    path = (base / name).resolve()
    if path.parent != base:
        raise UnsafeSymbol(f"file name {name[:80]!r} leaves {directory}")
    return path
