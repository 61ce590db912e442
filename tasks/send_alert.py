import inspect

from prefect import get_run_logger, task
from prefect.blocks.core import Block
from prefect.blocks.notifications import NotificationBlock
from prefect.cache_policies import NO_CACHE
from prefect.utilities.asyncutils import run_coro_as_sync

from lotto_models.core.settings import get_settings
from lotto_models.reporting.alerts import Alert, AlertDeliveryError, AlertLevel, Delivery
from lotto_models.reporting.alerts import send_alert as deliver


@task(name="send-alert", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def send_alert(alert: Alert) -> Delivery:
    """Deliver `alert` to LOTTO_ALERT_URLS and the LOTTO_ALERT_BLOCK notification block; raise when any fails.

    With no destination configured the alert goes to the run log only (and says so).
    """
    settings = get_settings()
    logger = get_run_logger()
    log = logger.error if alert.level is AlertLevel.FAILURE else logger.warning
    log("%s", alert.text())
    delivery = deliver(alert, settings.alert_urls)
    if settings.alert_block:
        block = Block.load(settings.alert_block)
        if not isinstance(block, NotificationBlock):
            raise AlertDeliveryError(f"LOTTO_ALERT_BLOCK {settings.alert_block} is not a notification block")
        sent = block.notify(alert.text(), subject=alert.title)
        if inspect.isawaitable(sent):  # `async_dispatch` runs it here, in a sync task, but types it as awaitable
            run_coro_as_sync(sent)
        delivery.delivered.append(f"prefect block {settings.alert_block}")
    if not delivery.ok:
        raise AlertDeliveryError(f"alert not delivered to {', '.join(delivery.failed)}")
    if delivery.delivered:
        logger.info("Alert delivered to %s", ", ".join(delivery.delivered))
    else:
        logger.warning("No alert destination configured (LOTTO_ALERT_URLS, LOTTO_ALERT_BLOCK): logged only")
    return delivery
