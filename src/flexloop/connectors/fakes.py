"""In-process fakes for drills, the demo and pure tests: deterministic, idempotent by key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeOrderSystem:
    """Records every command once per idempotency key."""

    calls: dict[str, dict[str, Any]] = field(default_factory=dict)

    def apply(self, key: str, action: str, order_ids: Sequence[str], params: dict[str, Any]) -> dict[str, Any]:
        if key not in self.calls:
            self.calls[key] = {"action": action, "orders": len(order_ids), "params": params,
                               "reference": f"oms-{len(self.calls) + 1}"}
        return self.calls[key]


@dataclass
class FakePlatform:
    """Records published replies once per idempotency key."""

    published: dict[str, dict[str, Any]] = field(default_factory=dict)

    def publish(self, key: str, platform: str, native_id: str, text: str) -> dict[str, Any]:
        if key not in self.published:
            self.published[key] = {"platform": platform, "in_reply_to": native_id, "text": text,
                                   "reply_id": f"{platform}-reply-{len(self.published) + 1}"}
        return self.published[key]
