"""Domains (fields) of credit records: the fields where joint measures apply (DOMAIN.md)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    JUDICIAL = "judicial", _("refusing to perform court judgements")
    TAX = "tax", _("tax")
    ENVIRONMENT = "environment", _("environmental protection")
    LABOUR = "labour", _("labour and wage arrears")
    WORK_SAFETY = "work_safety", _("work safety")
    FOOD_DRUG = "food_drug", _("food and drug safety")
    CONSTRUCTION = "construction", _("construction quality")
    FIRE_SAFETY = "fire_safety", _("fire safety")
    MARKET = "market", _("market order (fraud, false advertising, pyramid selling)")
    PROCUREMENT = "procurement", _("bidding and procurement")
    FINANCE = "finance", _("finance (illegal fund-raising, malicious debt evasion)")
    INTERNET_FRAUD = "internet_fraud", _("internet fraud")
    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("illegal fund-raising")
    COUNTERFEIT_VACCINES = "counterfeit_vaccines", _("counterfeit vaccines")
    NATIONAL_DEFENCE = "national_defence", _("refusing national-defence duties")
    CIVILIZATION = "civilization", _("honesty models and civic honours")
    OTHER = "other", _("other")


class ListType(models.TextChoices):
    RED = "red", _("red list (honest)")
    BLACK = "black", _("black list (severely dishonest)")
    WATCH = "watch", _("watch list")


class MeasureKind(models.TextChoices):
    PUNISHMENT = "punishment", _("joint punishment")
    REWARD = "reward", _("joint reward")


class Severity(models.TextChoices):
    """How grave a dishonesty is (RULES.md: publication periods). A list entry's, and a case's copy of it."""

    MINOR = "minor", _("minor")
    GENERAL = "general", _("general")
    SEVERE = "severe", _("severe")
