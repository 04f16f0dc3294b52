from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Exchange with the upper platforms (互联互通): upload of the outbox, the upper side's batch
    endpoint and feed, download and reconciliation (docs/exchange.md). Beside ``checks``; nothing
    below imports it: the lower apps write their items through the core outbox."""

    name = "exchange"
    verbose_name = _("Exchange with the upper platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from credit_platform.menus import register_menu

        from exchange import events  # noqa: F401  (audit labels)

        register_menu("system", "credit_platform.ExchangeItem", "exchange.RegionLink", "exchange.UpstreamItem", "exchange.DownloadedItem",
                      "exchange.LinkState", order=80)
