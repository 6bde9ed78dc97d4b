"""Payment gateways. `sandbox` approves every token except `tok_declined`; a real gateway would
implement `charge` the same way, passing the idempotency key through so a retried request never
charges twice at the processor either."""

from __future__ import annotations

import threading
from typing import Protocol

from inroad.domain.errors import Refused
from inroad.ids import new_id


class PaymentDeclined(Refused):
    code = "payment_declined"


class PaymentGateway(Protocol):
    name: str

    def charge(self, *, amount_cents: int, token: str, idempotency_key: str,
               description: str) -> str:
        """Charge and return the charge id, or raise PaymentDeclined."""
        ...


class SandboxGateway:
    """Like a real processor, a key it has seen returns the first charge instead of charging
    again (remembered in this process: enough for tests and the demo)."""

    name = "sandbox"
    charges: dict[str, tuple[str, int]] = {}  # idempotency key -> (charge id, amount)
    _lock = threading.Lock()

    def charge(self, *, amount_cents: int, token: str, idempotency_key: str,
               description: str) -> str:
        if token == "tok_declined":
            raise PaymentDeclined("The payment was declined.")
        with self._lock:
            first = self.charges.setdefault(idempotency_key, ("ch_" + new_id().lower(),
                                                              amount_cents))
        return first[0]


def gateway(name: str) -> PaymentGateway:
    if name == "sandbox":
        return SandboxGateway()
    raise ValueError(f"unknown payment gateway {name!r}")
