"""The plans: which champions each one combines, and whether its guess keeps the usual odd count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    name: str
    members: tuple[str, ...]
    odd_even: bool = False
    public: bool = True


PLANS: dict[str, Plan] = {
    "free": Plan("free", ("ls14", "stat")),
    "silver": Plan("silver", ("ls14pp", "stat"), odd_even=True),
    "gold": Plan("gold", ("ls15pp", "ls14pp", "stat"), odd_even=True),
    "platinum": Plan("platinum", ("ls16", "ls15pp", "ls14pp", "stat"), odd_even=True),
    "rnd": Plan("rnd", ("ls17", "ls18"), public=False),  # research; never shown to customers
}
