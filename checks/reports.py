"""Credit reports (信用报告): who issues and reads them, the issue, the public verification, the PDF.

- ``credit_report_issue`` (the one write): the credit office, and any department for its own
  approvals (DESIGN.md "Contract details"; the leadership office changes nothing); a natural person's
  report needs ``consent_reference`` (his written consent) and is issued at the counter or over the
  API, never on the public site (``public_self`` is for organisations, issued in the credit office's
  name). One transaction: the number (XYBG-<year>-<000001>, from a locked yearly counter), a random
  verification code, the content snapshot (``checks.report_content``) and the audit event.
- ``reports_for_user`` / ``report_get_for_user``: the issuing department and the credit office read
  a report (list, PDF); anyone else gets 404.
- ``report_verify``: the public check of a number and its code, the code compared in constant time;
  a wrong pair tells nothing but that.
- ``report_pdf``: the PDF (in Chinese), rendered from the snapshot.
"""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checks import report_events as events
from checks.report_content import content_hash, report_content
from checks.report_models import CreditReport, CreditReportCounter, ReportChannel
from credit_platform import identifiers, pdf
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind
from credit_platform.permissions import department_of, is_credit_office, is_department_member, is_leadership
from credit_platform.public_filing import RECEIPT_ALPHABET
from credit_platform.selectors import person_records_viewed
from credit_platform.workflow import entry_point, require

CODE_LENGTH = 10
NUMBER_PREFIX = "XYBG"
PDF_TEMPLATE = "checks/credit_report.html"
# Who may stand for an organisation when it asks for its own report on the public site.
REPRESENTATIVE_ROLES = [ResponsiblePerson.Role.LEGAL_REPRESENTATIVE, ResponsiblePerson.Role.PRINCIPAL]
# Compared against when the number is unknown, so the answer takes as long as for a wrong code.
_NO_CODE = "#" * CODE_LENGTH


# --- who --------------------------------------------------------------------------------------------


def can_issue_reports(user) -> bool:
    """The credit office and every other department (for its own approvals); not the leadership office."""
    return is_department_member(user) and not is_leadership(user)


def reports_for_user(user):
    """The reports ``user`` may read: all for the credit office, its department's own for a department."""
    reports = CreditReport.objects.select_related("subject", "issued_by", "issued_by_user")
    if is_credit_office(user):
        return reports
    department = department_of(user) if is_department_member(user) else None
    if department is None or is_leadership(user):
        return reports.none()
    return reports.filter(issued_by=department)


def report_get_for_user(*, user, number: str) -> CreditReport:
    report = reports_for_user(user).filter(number=(number or "").strip().upper()).first()
    if report is None:
        raise Http404("No such credit report.")
    return report


# --- the issue --------------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    CreditReportCounter.objects.bulk_create([CreditReportCounter(year=year)], ignore_conflicts=True)
    counter = CreditReportCounter.objects.select_for_update().get(year=year)  # two reports never share a number
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _position in range(CODE_LENGTH))


def _issuing_department(actor, channel: str) -> Department:
    if channel == ReportChannel.PUBLIC_SELF:
        return Department.objects.filter(is_credit_office=True, is_active=True).order_by("pk").first()
    return department_of(actor) or Department.objects.filter(is_credit_office=True).order_by("pk").first()


@transaction.atomic(savepoint=False)
def credit_report_issue_in_transaction(*, subject: Subject, purpose: str, business_reference: str = "", consent_reference: str = "",
                                       actor=None, channel: str = ReportChannel.API) -> CreditReport:
    """Issue a credit report of ``subject`` for ``purpose`` (403 / 400 as the module says)."""
    if channel != ReportChannel.PUBLIC_SELF:
        require(can_issue_reports(actor), _("Only the credit office and the departments may issue credit reports."))
    errors = {}
    if channel not in ReportChannel.values:
        errors["channel"] = [_("Unknown channel.")]
    purpose, business_reference, consent_reference = ((value or "").strip() for value in (purpose, business_reference, consent_reference))
    if not purpose:
        errors["purpose"] = [_("Say what the report is for (the tender, grant or approval).")]
    if subject.is_person and channel == ReportChannel.PUBLIC_SELF:
        errors["subject"] = [_("A natural person's credit report is issued at the counter.")]
    elif subject.is_person and not consent_reference:
        errors["consent_reference"] = [_("A natural person's credit report needs his written consent: give its reference.")]
    if errors:
        raise ValidationError(errors)
    department = _issuing_department(actor, channel)
    if department is None:
        raise ValidationError(_("No credit office is set up to issue credit reports."))
    now = timezone.now()
    # Non-public records (欠缴税款 …) only with the subject's consent: its reference, or its own request.
    content = report_content(subject, with_restricted=bool(consent_reference) or channel == ReportChannel.PUBLIC_SELF)
    report = CreditReport.objects.create(
        number=_next_number(timezone.localdate(now).year), verification_code=new_verification_code(), subject=subject,
        purpose=purpose[:300], business_reference=business_reference[:200], consent_reference=consent_reference[:200], channel=channel,
        issued_by=department, issued_by_user=actor if getattr(actor, "pk", None) else None, issued_at=now,
        content=content, content_hash=content_hash(content),
    )
    events.credit_report_issued(report, actor, department=department, extra={
        "subject": subject.identifier, "purpose": report.purpose, "business_reference": report.business_reference,
        "consent_reference": report.consent_reference, "channel": channel, "content_hash": report.content_hash,
    })
    if subject.is_person and getattr(actor, "pk", None):
        person_records_viewed(user=actor, subjects=[subject], reason=f"{report.number} {report.purpose}")
    return report


credit_report_issue = entry_point(credit_report_issue_in_transaction)


def organisation_for_self_request(*, identifier: str, name: str, representative_id: str) -> Subject | None:
    """The organisation with this USCC *and* exactly this name whose legal representative (or
    principal) has this citizen ID; None whatever does not match (the public site answers alike)."""
    return (
        Subject.objects.filter(
            identifier=identifiers.normalise(identifier), name=(name or "").strip(),
            responsible_persons__role__in=REPRESENTATIVE_ROLES,
            responsible_persons__person__identifier=identifiers.normalise(representative_id),
        )
        .exclude(kind=SubjectKind.NATURAL_PERSON)
        .distinct()
        .first()
    )


# --- verification -----------------------------------------------------------------------------------


def normalise_code(value) -> str:
    return "".join((value or "").split()).upper()


def report_verify(*, number: str, code: str) -> CreditReport | None:
    """The report with this number when ``code`` is its verification code, else None."""
    number = "".join((number or "").split()).upper()
    report = CreditReport.objects.select_related("subject", "issued_by").filter(number=number).first() if 0 < len(number) <= 32 else None
    expected = report.verification_code if report is not None else _NO_CODE
    matches = secrets.compare_digest(expected.encode(), normalise_code(code)[:32].encode())
    return report if matches and report is not None else None


def public_subject_name(report: CreditReport) -> str:
    """The subject's name as the report states it (its snapshot: a renamed company's paper still
    verifies under the name it bears), as the public sees it: a natural person's family name only."""
    name = (report.content or {}).get("subject", {}).get("name") or report.subject.name
    return identifiers.mask_person_name(name) if report.subject.is_person else name


# --- the PDF ----------------------------------------------------------------------------------------


def verify_url(request=None) -> str:
    """The public verification page's address: ``CREDIT_SITE_URL`` + its path, else the request's host."""
    path = reverse("credit_reports:verify")
    base = (getattr(settings, "CREDIT_SITE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def report_pdf(report: CreditReport, *, verify_url: str) -> bytes:
    """The report as PDF bytes, in Chinese whatever the caller's language."""
    context = {"report": report, "content": report.content, "verify_url": verify_url,
               "issued_on": timezone.localtime(report.issued_at)}
    with translation.override("zh-hans"):
        return pdf.render_pdf(PDF_TEMPLATE, context)


def report_filename(report: CreditReport) -> str:
    return f"credit-report-{report.number}.pdf"
