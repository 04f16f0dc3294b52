"""What a joint case rests on, kept without sanctions importing the app that owns it.

A case may be opened from a list entry, and lists sits above sanctions. So sanctions keeps the
entry's id (``JointCase.list_entry_id``, no foreign key) and its own copy of what it needs from it
(``JointCase.severity``); the app that owns the origin registers here, in its
``AppConfig.ready()``, how to check an id a caller gives (``resolve``) and how to show one
(``label``, ``admin_url_name``), as the calendar's provisional recompute is registered.

- ``resolve(pk, *, user, case_kind) -> CaseOrigin``: the origin ``user`` may rest a case of
  ``case_kind`` on, or ``ValidationError`` with a message saying why not (an unknown id and one the
  user may not see get the same message).
- ``label(pk) -> str``: how a page names it ("" when it is gone).
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The one kind of origin today: a list entry (lists registers it).
LIST_ENTRY = "list_entry"


@dataclass(frozen=True)
class CaseOrigin:
    """A checked origin and what a case copies from it. Built only by the app that owns the origin."""

    kind: str
    pk: int
    subject_id: int
    severity: str
    # The last day the origin itself stands (an entry's publication end, moved by objection holds):
    # a case resting on it may run that long even past its severity's maximum from the case's start.
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class CaseOriginHooks:
    resolve: Callable[..., CaseOrigin]
    label: Callable[[int], str]
    admin_url_name: str = ""


_case_origins: dict[str, CaseOriginHooks] = {}


def register_case_origin(kind: str, *, resolve: Callable[..., CaseOrigin], label: Callable[[int], str], admin_url_name: str = "") -> None:
    """Register (again: replaced) how cases resting on a ``kind`` are checked and shown."""
    _case_origins[kind] = CaseOriginHooks(resolve=resolve, label=label, admin_url_name=admin_url_name)


def case_origin_hooks(kind: str) -> CaseOriginHooks | None:
    return _case_origins.get(kind)


def case_origin_resolve(kind: str, pk, *, user, case_kind: str) -> CaseOrigin:
    """The origin ``pk`` of ``kind`` checked by its owner for ``user`` and a case of ``case_kind``;
    ValidationError (a message) when no app registered the kind or the owner refuses it."""
    hooks = _case_origins.get(kind)
    if hooks is None:
        raise ValidationError(_("Cases cannot rest on a %(kind)s on this platform.") % {"kind": kind})
    return hooks.resolve(pk, user=user, case_kind=case_kind)


def case_origin_label(kind: str, pk) -> str:
    """How a page names the origin; its id when no app registered the kind."""
    if pk is None:
        return ""
    hooks = _case_origins.get(kind)
    return hooks.label(pk) if hooks is not None else f"#{pk}"
