"""The credit file in the admin (信用档案): ``/admin/credit-file/`` finds a subject by its identifier,
``/admin/credit-file/<id>/`` shows its file. Staff pages behind ``admin.site.admin_view``; what is shown
is ``checks.credit_file``'s answer, so a department sees here what it sees over the API.

A natural person's file asks for the reason first (logged with every person shown); an organisation's
responsible persons are masked until a reason is given. The identifier is sent by POST, never in a URL.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from checks import credit_file
from credit_platform import identifiers
from credit_platform.selectors import REASON_MAX_LENGTH, subject_detail, subjects_shown_to_user


class FileLookupForm(forms.Form):
    identifier = forms.CharField(
        label=_("Unified social credit code or citizen ID"), max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "size": 24, "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason for the look-up"), max_length=REASON_MAX_LENGTH, required=False,
        help_text=_("Required for a natural person (for example the case or file number): every look-up of a person is logged with it."),
        widget=forms.TextInput(attrs={"size": 50}),
    )


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), "title": gettext("Credit file"), **extra}


def _file_page(request, result: credit_file.CreditFile):
    hidden = result.subject.is_person and not result.reason_given
    return TemplateResponse(request, "checks/credit_file.html", _context(
        request, file=result, subtitle="" if hidden else result.subject.name,
    ))


def credit_file_page(request, subject_id):
    """``/admin/credit-file/<id>/``: the file; a person's once the reason is given (``?reason=``)."""
    reason = request.GET.get("reason", "").strip()[:REASON_MAX_LENGTH]
    try:
        result = credit_file.credit_file(user=request.user, subject_id=subject_id, reason=reason)
    except ValidationError:
        # A natural person without a reason (the 404 check came first): ask for it.
        subject = subject_detail(subject_id=subject_id, queryset=subjects_shown_to_user(request.user, with_persons=True))
        return TemplateResponse(request, "checks/credit_file_reason.html", _context(
            request, subject_id=subject_id,
            masked_name=identifiers.mask_person_name(subject.name),
            masked_identifier=identifiers.mask_identifier(subject.identifier),
            reason_missing="reason" in request.GET,
        ))
    return _file_page(request, result)


def credit_file_lookup(request):
    """``/admin/credit-file/``: the identifier (and the reason, for a person) by POST, then the file."""
    form = FileLookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = credit_file.credit_file(user=request.user, identifier=data["identifier"], reason=data["reason"])
        except Http404:
            form.add_error("identifier", gettext("No subject is registered with this identifier."))
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason", exc.messages))
        else:
            if result.subject.is_organisation and not result.reason_given:
                return redirect("credit-file", subject_id=result.subject.pk)
            return _file_page(request, result)
    return TemplateResponse(request, "checks/credit_file_lookup.html", _context(request, form=form))
