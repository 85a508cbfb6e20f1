"""OAuth token values and the token file (written atomically, mode 0600)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TokenSet:
    """An access/refresh token pair with absolute expiry times (epoch seconds)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(default="", repr=False)
    expires_at: float = 0.0
    refresh_expires_at: float = 0.0

    @classmethod
    def from_reply(cls, reply: dict[str, Any], *, now: float) -> TokenSet:
        """Build from a `/token` reply (`expires_in` / `refresh_token_expires_in` in seconds)."""
        return cls(
            access_token=str(reply["access_token"]),
            refresh_token=str(reply.get("refresh_token") or ""),
            expires_at=now + float(reply.get("expires_in") or 0),
            refresh_expires_at=now + float(reply.get("refresh_token_expires_in") or 0),
        )

    def access_valid(self, now: float, *, margin: float = 60.0) -> bool:
        return bool(self.access_token) and now < self.expires_at - margin

    def refresh_valid(self, now: float, *, margin: float = 5.0) -> bool:
        return bool(self.refresh_token) and now < self.refresh_expires_at - margin

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "refresh_expires_at": self.refresh_expires_at,
        }


class TokenFile:
    """Persists a TokenSet as JSON. Writes go to a 0600 temp file then `os.replace`."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"TokenFile({str(self.path)!r})"

    def load(self) -> TokenSet | None:
        """The saved tokens, or None when the file is missing or unreadable."""
        try:
            data = json.loads(self.path.read_text())
            return TokenSet(
                access_token=str(data["access_token"]),
                refresh_token=str(data.get("refresh_token") or ""),
                expires_at=float(data.get("expires_at") or 0),
                refresh_expires_at=float(data.get("refresh_expires_at") or 0),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, tokens: TokenSet) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".saxo-token-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(tokens.to_json(), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
