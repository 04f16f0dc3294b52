"""The exchange app's own tables (docs/exchange.md).

Upper side: ``RegionLink`` (a lower region and its shared key), ``ReceivedBatch`` (a batch answered
once), ``UpstreamItem`` (every accepted version of every item, by source region; its id is the feed's
cursor). Lower side: ``LinkState`` (one row: the link to the upper platform, the feed cursor) and
``DownloadedItem`` (each feed item applied once). The outbox itself is the core's ``ExchangeItem``.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from credit_platform.models import ExchangeItemType, ExchangeOp


class RegionLink(models.Model):
    """A lower region registered on this (upper) instance with the key both sides share."""

    region = models.OneToOneField("credit_platform.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="exchange_link")
    key = models.CharField(_("shared key"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lower region")
        verbose_name_plural = _("lower regions")
        ordering = ["region__code"]

    def __str__(self):
        return str(self.region)


class ReceivedBatch(models.Model):
    """A batch already answered: the same ``batch_id`` again gets the same answer and changes nothing."""

    region_code = models.CharField(_("region"), max_length=6)
    batch_id = models.CharField(_("batch"), max_length=64)
    results = models.JSONField(_("results"), default=list)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received batch")
        verbose_name_plural = _("received batches")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["region_code", "batch_id"], name="exchange_batch_uniq")]

    def __str__(self):
        return f"{self.region_code} {self.batch_id}"


class UpstreamItem(models.Model):
    """One accepted version of an item, stored by its source region (also this instance's own items,
    put in the feed for its regions). The id orders the feed: ``since`` is the last id applied."""

    source_region = models.CharField(_("source region"), max_length=6)
    item_id = models.CharField(_("item"), max_length=120)
    type = models.CharField(_("type"), max_length=16, choices=ExchangeItemType.choices)
    op = models.CharField(_("operation"), max_length=8, choices=ExchangeOp.choices)
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("data"), default=dict)
    subject_identifier = models.CharField(_("subject identifier"), max_length=32, blank=True)
    # The subject's division (USCC characters 3–8, citizen ID digits 1–6): which regions' feeds carry it.
    division_code = models.CharField(_("division code"), max_length=6, blank=True)
    batch_id = models.CharField(_("batch"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("item from a region")
        verbose_name_plural = _("items from the regions")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["item_id", "version"], name="upstream_item_version_uniq")]
        indexes = [
            models.Index(fields=["division_code", "id"], name="upstream_item_feed_idx"),
            models.Index(fields=["source_region", "item_id"], name="upstream_item_region_idx"),
        ]

    def __str__(self):
        return f"{self.item_id} v{self.version}"


class LinkState(models.Model):
    """The link to the upper platform (one row, pk 1): the last batch, the last error, the feed cursor."""

    feed_cursor = models.BigIntegerField(_("feed cursor"), default=0)
    last_batch_id = models.CharField(_("last batch"), max_length=64, blank=True)
    last_batch_at = models.DateTimeField(_("last batch at"), null=True, blank=True)
    last_batch_result = models.CharField(_("last batch result"), max_length=200, blank=True)
    last_download_at = models.DateTimeField(_("last download at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("link to the upper platform")
        verbose_name_plural = _("link to the upper platform")

    def __str__(self):
        return str(_("link to the upper platform"))


class DownloadedItem(models.Model):
    """A feed item and what applying it did: applied (an entry), stored (other types), failed (reason; applied again from the admin)."""

    class State(models.TextChoices):
        APPLIED = "applied", _("applied")
        STORED = "stored", _("stored")
        FAILED = "failed", _("failed")

    item_id = models.CharField(_("item"), max_length=120)
    version = models.PositiveIntegerField(_("version"))
    type = models.CharField(_("type"), max_length=16, choices=ExchangeItemType.choices)
    op = models.CharField(_("operation"), max_length=8, choices=ExchangeOp.choices)
    source_region = models.CharField(_("source region"), max_length=6)
    data = models.JSONField(_("data"), default=dict)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    applied_at = models.DateTimeField(_("applied at"), auto_now=True)

    class Meta:
        verbose_name = _("item from the upper platform")
        verbose_name_plural = _("items from the upper platform")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["item_id", "version"], name="downloaded_item_version_uniq")]

    def __str__(self):
        return f"{self.item_id} v{self.version}"
