"""The after-draw step that delivers each public plan's guess and its hits to LOTTO_PUBLISH_URLS.

It runs at the end of every after-draw and retrain run, under the game's run lock, after the draws were
stored and scored and the plans published: whatever the ledger says is owed goes out, including what an
earlier run could not send (a destination down, a run killed). A delivery that fails never fails the run: it
is a `delivery-pending` fallback, and the next run sends it.
"""

from __future__ import annotations

from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.core.redaction import redacted_text
from lotto_models.workspace import Workspace
from tasks.deliver_guesses import deliver_guesses


def deliver_to_players(ws: Workspace) -> list[Fallback]:
    """Deliver what is owed; the fallbacks for the run summary: none, or what waits for the next run."""
    if not ws.settings.publish_urls:
        return []
    state = deliver_guesses(ws.game, return_state=True)
    if not state.is_completed():
        reason = redacted_text(state.message or "the delivery task failed")
        detail = f"guesses not delivered ({reason}); the next run sends what is owed"
        return [Fallback(FallbackKind.DELIVERY_PENDING, "deliveries", detail)]
    return [
        Fallback(
            FallbackKind.DELIVERY_PENDING,
            destination.destination,
            f"delivery to {destination.destination} failed ({destination.failed}); {destination.left} owed, for the "
            "next run",
        )
        for destination in state.result().failed
    ]
