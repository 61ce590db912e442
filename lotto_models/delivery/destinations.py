"""The destinations of LOTTO_PUBLISH_URLS: Apprise URLs (Telegram, e-mail, a webhook), each known to the ledger
by a stable id that holds no secret, and the sending of one message to one of them.

The id is the URL as Apprise's privacy mode writes it, without its query (whose defaults move with Apprise
versions) and with any user information hidden: `tgram://1...z/-1001234567/`, `json://127.0.0.1:8080/hook`,
`mailtos://***@gmail.com/player%40example.com`. A bot token or a password changed in place keeps the id (and
what was sent stays sent); two URLs with the same id are refused, since the ledger could not tell them apart.

A webhook that takes headers (`json://`, `form://`, `xml://`) gets the delivery key in `X-Lotoflow-Delivery`;
every message has it in its text too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lotto_models.core.errors import LotoflowError
from lotto_models.core.redaction import hide_secrets_in_logs, redacted_url
from lotto_models.delivery.messages import DeliveryMessage

if TYPE_CHECKING:
    from apprise.plugins.base import NotifyBase

DELIVERY_HEADER = "X-Lotoflow-Delivery"


class PublishUrlError(LotoflowError, ValueError):
    """A LOTTO_PUBLISH_URLS entry Apprise cannot read, or two entries the ledger cannot tell apart."""


class DeliveryFailedError(LotoflowError):
    """A destination did not take a message (its reason, without secrets, in the message)."""


@dataclass(frozen=True)
class Destination:
    id: str  # what the ledger, logs and run states name it by: no secret in it
    url: str = field(repr=False)  # the Apprise URL itself: never shown

    def __str__(self) -> str:
        return self.id


def destinations(urls: Sequence[str]) -> list[Destination]:
    """The destinations of `urls`, in their order; raises `PublishUrlError` for an entry Apprise cannot read
    (without showing it) or two entries with the same id."""
    found: dict[str, Destination] = {}
    for position, url in enumerate(urls, start=1):
        plugin = _plugin(url, position)
        destination = Destination(destination_id(plugin), url)
        if destination.id in found:
            raise PublishUrlError(
                f"LOTTO_PUBLISH_URLS entries {list(found).index(destination.id) + 1} and {position} are both "
                f"{destination.id} once their secrets are hidden: the delivery ledger could not tell them apart"
            )
        found[destination.id] = destination
    return list(found.values())


def destination_id(plugin: NotifyBase) -> str:
    private = plugin.url(privacy=True).split("?", 1)[0]
    return redacted_url(private)


def _plugin(url: str, position: int) -> NotifyBase:
    import apprise

    hide_secrets_in_logs()  # Apprise and urllib3 log a failed request's query
    destination = apprise.Apprise()
    if not destination.add(url):
        scheme = url.partition("://")[0] if "://" in url else "(none)"
        raise PublishUrlError(
            f"LOTTO_PUBLISH_URLS entry {position} (scheme {scheme!r}) is not a valid Apprise URL (the URL is not "
            "shown: it may hold a secret)"
        )
    return destination[0]


def send(destination: Destination, message: DeliveryMessage) -> None:
    """Send `message` to `destination`, its delivery key in a header where the destination takes headers;
    raises `DeliveryFailedError` when it is not taken."""
    import apprise

    plugin = _plugin(destination.url, 0)
    headers = getattr(plugin, "headers", None)
    if isinstance(headers, dict):
        headers[DELIVERY_HEADER] = message.key
    sent = plugin.notify(title=message.title, body=message.body, notify_type=apprise.NotifyType.INFO)
    if not sent:
        raise DeliveryFailedError(f"{destination.id} did not take {message.key} (Apprise's log says why)")
