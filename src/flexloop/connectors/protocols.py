"""What the act stage needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class OrderSystem(Protocol):
    """An OMS or 3PL that can hold, move, re-carrier, flag and pause orders."""

    def apply(self, key: str, action: str, order_ids: Sequence[str], params: dict[str, Any]) -> dict[str, Any]: ...


class Platform(Protocol):
    """A social platform that publishes a reply under a post."""

    def publish(self, key: str, platform: str, native_id: str, text: str) -> dict[str, Any]: ...
