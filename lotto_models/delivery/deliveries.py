"""Delivering what each destination is owed: every public plan's guess once published, and its hits once its
draw is stored and scored, to every destination of LOTTO_PUBLISH_URLS, each once.

Per destination, in order (by concurso, a guess before its hits): claim the delivery in the ledger (a
`pending` row committed), send it, mark it `sent` (or `failed`, and stop for this destination: what is left
goes out with the next run, in the same order). One destination down does not hold back another.

At least once, not exactly once: a process killed after the receiver took a message and before the ledger
says `sent` leaves the row `pending`, and the next run sends it again with the same delivery key (a header of
a `json://` webhook, and the last line of every message), which a receiver can use to drop the repeat. A
process killed before the send leaves the same `pending` row: the next run sends it, for the first time. No
owed delivery is skipped: the ledger, not the run, says what is owed. Runs of one game deliver one at a time
(they hold its run lock).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from lotto_models.core.failpoints import DELIVERY_AFTER_SEND, DELIVERY_BEFORE_SEND, failpoint
from lotto_models.core.plans import plans_of
from lotto_models.core.redaction import redacted_text
from lotto_models.delivery.destinations import DeliveryFailedError, Destination, destinations, send
from lotto_models.delivery.messages import delivery_key, message_for
from lotto_models.storage.delivery_ledger import DeliveryLedger
from lotto_models.workspace import Workspace


@dataclass
class DestinationReport:
    destination: str  # its id: no secret
    sent: list[str] = field(default_factory=list)  # delivery keys
    resent: list[str] = field(default_factory=list)  # of those, the ones tried before (a killed or failed attempt)
    failed: str | None = None  # why the first failure stopped this destination for this run
    left: int = 0  # still owed after this run (the failure's, or past the per-run limit)


@dataclass
class DeliveryReport:
    destinations: list[DestinationReport] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(len(d.sent) for d in self.destinations)

    @property
    def failed(self) -> list[DestinationReport]:
        return [d for d in self.destinations if d.failed is not None]


def public_plans(ws: Workspace) -> list[str]:
    """The game's plans whose guesses players receive (not the research plan), in their order."""
    return [name for name, plan in plans_of(ws.game).items() if plan.public]


def deliver_owed(
    ws: Workspace,
    urls: list[str] | None = None,
    pause_s: float | None = None,
    limit: int | None = None,
) -> DeliveryReport:
    """Send every destination of `urls` (default LOTTO_PUBLISH_URLS) what it is owed of the workspace's game,
    at most `limit` messages each (default LOTTO_PUBLISH_MAX_PER_RUN), `pause_s` apart (LOTTO_PUBLISH_PAUSE_S).
    Raises `PublishUrlError` for an entry Apprise cannot read (sending nothing)."""
    settings = ws.settings
    chosen = destinations(settings.publish_urls if urls is None else urls)
    pause = settings.publish_pause_s if pause_s is None else pause_s
    most = settings.publish_max_per_run if limit is None else limit
    ledger = DeliveryLedger(ws.engine, ws.game)
    plans = public_plans(ws)
    report = DeliveryReport()
    for destination in chosen:
        report.destinations.append(_deliver_to(ws, ledger, plans, destination, pause, most))
    return report


def _deliver_to(
    ws: Workspace,
    ledger: DeliveryLedger,
    plans: list[str],
    destination: Destination,
    pause_s: float,
    limit: int,
) -> DestinationReport:
    report = DestinationReport(destination.id)
    owed = ledger.owed(destination.id, plans)
    for position, item in enumerate(owed):
        key = delivery_key(ws.game, item)
        if position >= limit:
            report.left = len(owed) - position
            break
        if position and pause_s:
            time.sleep(pause_s)  # a chat allows about one message a second
        if not ledger.claim(destination.id, item):
            continue
        failpoint(DELIVERY_BEFORE_SEND)
        try:
            send(destination, message_for(ws.game, item))
        except (DeliveryFailedError, OSError) as error:  # refused or unreachable: owed again next run
            reason = redacted_text(str(error))
            ledger.mark_failed(destination.id, item, reason)
            report.failed, report.left = f"{key}: {reason}", len(owed) - position
            break
        failpoint(DELIVERY_AFTER_SEND)
        ledger.mark_sent(destination.id, item)
        report.sent.append(key)
        if item.attempts:
            report.resent.append(key)
    return report
