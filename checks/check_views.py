"""The credit check page in the admin (信用核查, ``/admin/credit-check/``) for clerks without a connected
system: the identifier, the purpose and the business reference in, the API's answer out
(``checks.credit_check.credit_check_run``, logged the same way with the channel ``admin``), printable.

A natural person needs the purpose (as over the API): without one the page asks for it and shows
the identifier masked, reading nothing and logging nothing. The identifier is sent by POST, never in a URL.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from checks import credit_check
from checks.models import CheckChannel
from credit_platform import identifiers
from credit_platform.exceptions import IllegalTransition
from credit_platform.permissions import department_of, is_leadership


class CreditCheckForm(forms.Form):
    identifier = forms.CharField(
        label=_("Unified social credit code or citizen ID"), max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "size": 24, "autocomplete": "off"}),
    )
    purpose = forms.CharField(
        label=_("Purpose of the check"), max_length=credit_check.PURPOSE_MAX_LENGTH, required=False,
        help_text=_("The approval, procurement, grant or tender. Required for a natural person: the look-up is logged with it."),
        widget=forms.TextInput(attrs={"size": 50}),
    )
    business_reference = forms.CharField(
        label=_("Business reference"), max_length=credit_check.REFERENCE_MAX_LENGTH, required=False,
        help_text=_("The file number of the approval, procurement, grant or tender."), widget=forms.TextInput(attrs={"size": 30}),
    )


class HitFeedbackForm(forms.Form):
    measure_applied = forms.TypedChoiceField(
        label=_("Measure applied"), coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("yes")), ("no", _("no"))],
    )
    note = forms.CharField(label=_("feedback note"), max_length=credit_check.FEEDBACK_NOTE_MAX_LENGTH, required=False,
                           widget=forms.TextInput(attrs={"size": 50}))


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), "title": gettext("Credit check"), **extra}


def credit_check_page(request):
    """``/admin/credit-check/``: the form; on POST the check, logged, and its answer."""
    form = CreditCheckForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "checks/credit_check.html", _context(request, form=form))
    data = form.cleaned_data
    try:
        result = credit_check.credit_check_run(actor=request.user, identifier=data["identifier"], purpose=data["purpose"],
                                               business_reference=data["business_reference"], channel=CheckChannel.ADMIN)
    except ValidationError as exc:
        # A natural person without the purpose: the ID is not shown back, only masked.
        masked = identifiers.mask_identifier(identifiers.normalise_typed(data["identifier"]))
        form = CreditCheckForm(initial={"purpose": data["purpose"], "business_reference": data["business_reference"]})
        return TemplateResponse(request, "checks/credit_check.html", _context(
            request, form=form, purpose_missing=exc.message_dict.get("purpose", exc.messages), masked_identifier=masked,
        ))
    if result is None:
        form.add_error("identifier", gettext("No subject is registered with this identifier."))
        return TemplateResponse(request, "checks/credit_check.html", _context(request, form=form))
    return TemplateResponse(request, "checks/credit_check.html", _context(
        request, form=CreditCheckForm(initial={"purpose": data["purpose"], "business_reference": data["business_reference"]}),
        result=result, feedback_form=None if is_leadership(request.user) else HitFeedbackForm(), purpose=data["purpose"], business_reference=data["business_reference"], checked_at=timezone.now(),
        department=department_of(request.user),
    ))


@require_POST
def credit_check_feedback_page(request, check_id):
    """``/admin/credit-check/<check_id>/feedback/``: the hit of the department's own check was used (or not)."""
    check = credit_check.check_log_get_for_user(user=request.user, check_id=check_id)
    form = HitFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say whether the measure was applied."))
        return redirect("credit-check-page")
    try:
        credit_check.credit_check_hit_fed_back(check=check, actor=request.user, measure_applied=form.cleaned_data["measure_applied"],
                                               note=form.cleaned_data["note"])
    except IllegalTransition as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, gettext("The hit of check %(check)s is fed back.") % {"check": check.pk})
    return redirect("credit-check-page")
