"""Regions (GB/T 2260) and the exchange outbox: what this instance reports to its upper platform.

The lower apps write an ``ExchangeItem`` in the transaction of the change (``credit_platform.exchange_outbox``);
the ``exchange`` app uploads them in order and records the upper platform's answer item by item.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division (province → city → district) by its six-digit GB/T 2260 code."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ExchangeItemType(models.TextChoices):
    LIST_ENTRY = "list_entry", _("list entry")
    RECORD = "record", _("public record")
    CASE = "case", _("case outcome")


class ExchangeOp(models.TextChoices):
    UPSERT = "upsert", _("published or changed")
    REMOVE = "remove", _("removed")


class ExchangeItem(models.Model):
    """Outbox row: one version of one item to upload (``item_id`` = ``<region>:<type>:<local id>``)."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    item_id = models.CharField(_("item"), max_length=120)
    type = models.CharField(_("type"), max_length=16, choices=ExchangeItemType.choices)
    op = models.CharField(_("operation"), max_length=8, choices=ExchangeOp.choices)
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("data"), default=dict)
    subject_identifier = models.CharField(_("subject identifier"), max_length=32, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    # Set when first sent: a batch lost on the way is sent again under the same id (the upper answers it once).
    batch_id = models.CharField(_("batch"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # An upper instance serves its own items to its regions too: when the item was put in its feed.
    fed_at = models.DateTimeField(_("put in the feed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange item (outbox)")
        verbose_name_plural = _("exchange items (outbox)")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["item_id", "version"], name="exchange_item_version_uniq")]
        indexes = [
            models.Index(fields=["state", "id"], name="exchange_item_state_idx"),
            models.Index(fields=["item_id", "-version"], name="exchange_item_latest_idx"),
        ]

    def __str__(self):
        return f"{self.item_id} v{self.version} ({self.op})"
