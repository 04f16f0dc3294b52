"""What the lower apps share to apply an item received from another region (docs/exchange.md): the
item's dates, its subject (found, or registered as the item names it) and the credit office that
holds it here. Lists (``lists.services.received``) and records (``records.services.received``) use it.
"""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from credit_platform import services as core_services
from credit_platform.models import Department, Subject


def item_date(value) -> datetime.date | None:
    """An item's date (ISO text); None when empty; ValidationError when it is not a date."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(_("Not a date: %(value)s.") % {"value": value}) from None


def holding_office(refusal: str) -> Department:
    """The credit office, which holds here what another region decided; ValidationError(refusal) without one."""
    office = Department.objects.filter(is_credit_office=True, is_active=True).order_by("pk").first()
    if office is None:
        raise ValidationError(refusal)
    return office


def item_subject(data: dict) -> Subject:
    """The subject an item names (``{"identifier", "kind", "name"}``), registered here when unknown."""
    identifier, kind, name = str(data.get("identifier") or "").strip().upper(), data.get("kind") or "", data.get("name") or ""
    subject = Subject.objects.filter(identifier=identifier).first()
    return subject or core_services.subject_create(kind=kind, identifier=identifier, name=name)
