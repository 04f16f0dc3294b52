"""Rows that name subjects (cases, pushes, list entries, objections, repairs): natural persons masked
unless the request gives a ``reason``, and then every person shown logged with it (RULES.md, personal
information; DESIGN.md "Need-to-know for persons").

The caller's department sees these rows because it has work about their subjects (the access
selectors scope them), so a reason is all a full read needs; without one a person is shown masked
(name: family name; ID: first 6 and last 4 characters) and nothing is logged. ``SubjectBriefSerializer``
masks from the ``mask_persons`` context; ``PlatformAutoSchema`` documents ``reason`` on the GET
operations of every view with this mixin.
"""
from drf_spectacular.utils import OpenApiParameter

from credit_platform import selectors

PERSONS_REASON_PARAMETER = OpenApiParameter(
    "reason", str,
    description="Why the records are looked up (for example the case or file number). Without it, natural "
    "persons' identifiers and names are masked (first 6 and last 4 characters; family name) and nothing is "
    "logged; with it they are shown in full and each person shown is logged with the reason (RULES.md).",
)


class PersonsMaskedMixin:
    """For a viewset whose rows name subjects. ``subjects_shown(obj)`` says which subjects a row or a
    detail shows (default: ``obj.subject``); the list's page and every detail answered (``log_persons``)
    are logged when a reason is given."""

    person_reason_parameter = PERSONS_REASON_PARAMETER

    def person_reason(self) -> str:
        return (self.request.query_params.get("reason") or "").strip()[: selectors.REASON_MAX_LENGTH]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "mask_persons": not self.person_reason()}

    def subjects_shown(self, obj) -> list:
        return [obj.subject]

    def log_persons(self, objects) -> None:
        reason = self.person_reason()
        if reason:
            subjects = [s for obj in objects for s in self.subjects_shown(obj) if s is not None]
            selectors.person_records_viewed(user=self.request.user, subjects=subjects, reason=reason)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.action == "list" and page is not None:
            self.log_persons(page)
        return page
