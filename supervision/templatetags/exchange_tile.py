"""The dashboard's tile of the exchange with the upper platform: ``{% load exchange_tile %}{% exchange_link_tile %}``."""
from django import template
from django.urls import reverse

from exchange.selectors import link_figures

register = template.Library()


@register.inclusion_tag("dashboard/includes/exchange_tile.html")
def exchange_link_tile():
    figures = link_figures()
    if figures is None:
        return {"figures": None}
    return {
        "figures": figures,
        "outbox_url": reverse("admin:credit_platform_exchangeitem_changelist"),
        "refused_url": reverse("admin:credit_platform_exchangeitem_changelist") + "?state__exact=refused",
        "backlog_url": reverse("admin:credit_platform_exchangeitem_changelist") + "?state__exact=pending",
        "failed_url": reverse("admin:exchange_downloadeditem_changelist") + "?state__exact=failed",
        "received_url": reverse("admin:exchange_upstreamitem_changelist"),
    }
