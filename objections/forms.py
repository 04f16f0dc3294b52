"""Forms of objections: the admin's (file, decide) and the public website's (Chinese, no login).

They validate input only; ``objections.services`` decides and writes.
"""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from credit_platform.domains import Domain
from credit_platform.forms import DateInput, MultipleFileField, check_public_files
from credit_platform.public_filing import PublicIdentifierField, PublicTargetField
from lists.access import entries_for_user
from lists.models import ListEntry, Severity
from lists.services import CORRECTABLE_FIELDS
from objections.models import Decision, Objection
from records.access import records_for_user
from records.models import CreditRecord
from sanctions.access import cases_for_user
from sanctions.models import JointCase


def _label(field: str):
    return capfirst(Objection._meta.get_field(field).verbose_name)


# --- the admin -----------------------------------------------------------------------------------


class ObjectionFileForm(forms.Form):
    """A department's objection to a list entry or a case it can see (searched, never listed)."""

    list_entry = forms.ModelChoiceField(label=_label("list_entry"), queryset=ListEntry.objects.none(), required=False)
    case = forms.ModelChoiceField(label=_label("case"), queryset=JointCase.objects.none(), required=False)
    record = forms.ModelChoiceField(label=_label("record"), queryset=CreditRecord.objects.none(), required=False,
                                    help_text=_("Or a credit record (双公示), alone."))
    grounds = forms.CharField(label=_label("grounds"), widget=forms.Textarea(attrs={"rows": 5, "cols": 70}))
    contact = forms.CharField(label=_label("contact"), max_length=200)
    evidence = MultipleFileField(label=_("Evidence files"), help_text=_("PDF, JPG or PNG, at most 10 MB each."))

    def __init__(self, data=None, files=None, *, user, admin_site=None, **kwargs):
        super().__init__(data, files, **kwargs)
        site = admin_site or admin.site
        for name, queryset in (("list_entry", entries_for_user(user)), ("case", cases_for_user(user)), ("record", records_for_user(user))):
            field = self.fields[name]
            field.queryset = queryset
            # Millions of entries and cases: searched through their admin's autocomplete.
            field.widget = AutocompleteSelect(Objection._meta.get_field(name), site)
            field.widget.choices = field.choices

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) or self.has_error(name) for name in ("list_entry", "case", "record")):
            raise ValidationError(_("Name the list entry or the case you dispute."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        target = data.get("list_entry") or data.get("case") or data.get("record")
        return {
            "subject": target.subject, "list_entry": data.get("list_entry"), "case": data.get("case"), "record": data.get("record"),
            "grounds": data["grounds"], "contact": data["contact"], "files": data.get("evidence") or [],
        }


class UpholdForm(forms.Form):
    """Uphold the objection: revoke the record, or correct the fields found wrong (prefilled with the
    entry's values; only the changed ones are corrected)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(Decision.REVOKE, Decision.REVOKE.label), (Decision.CORRECT, Decision.CORRECT.label)],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), required=False)
    basis = forms.CharField(label=capfirst(ListEntry._meta.get_field("basis").verbose_name), required=False,
                            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    decision_number = forms.CharField(label=capfirst(ListEntry._meta.get_field("decision_number").verbose_name), required=False, max_length=200)
    decided_on = forms.DateField(label=capfirst(ListEntry._meta.get_field("decided_on").verbose_name), required=False, widget=DateInput())
    severity = forms.ChoiceField(label=capfirst(ListEntry._meta.get_field("severity").verbose_name), required=False,
                                 choices=[("", "---------"), *Severity.choices])
    domain = forms.ChoiceField(label=capfirst(ListEntry._meta.get_field("domain").verbose_name), required=False,
                               choices=[("", "---------"), *Domain.choices])
    valid_until = forms.DateField(label=capfirst(ListEntry._meta.get_field("valid_until").verbose_name), required=False, widget=DateInput())

    def __init__(self, data=None, *, objection: Objection, **kwargs):
        super().__init__(data, **kwargs)
        self.entry = objection.list_entry
        if self.entry is None:
            if objection.record_id is None:
                # A case alone cannot be corrected: only revoking is offered.
                self.fields["outcome"].choices = [(Decision.REVOKE, Decision.REVOKE.label)]
            else:
                # A record is corrected by removing it (reason corrected); its department enters the corrected decision.
                self.fields["outcome"].help_text = _("Correct: the record is removed as corrected; enter the corrected decision as a new record.")
            for name in CORRECTABLE_FIELDS:
                del self.fields[name]
        else:
            # A red entry has a validity and no severity; a dishonesty the reverse.
            del self.fields["severity" if self.entry.list_type == "red" else "valid_until"]
            for name in CORRECTABLE_FIELDS:
                if name in self.fields:
                    self.fields[name].initial = getattr(self.entry, name)
                    self.fields[name].help_text = _("Change only what is wrong (used when correcting).")

    def clean(self):
        cleaned = super().clean()
        corrections = {}
        if cleaned.get("outcome") == Decision.CORRECT and self.entry is not None:
            for name in CORRECTABLE_FIELDS:
                value = cleaned.get(name)
                if value in (None, "") or value == getattr(self.entry, name):
                    continue
                corrections[name] = value.isoformat() if name in ("decided_on", "valid_until") else value
            if not corrections:
                raise ValidationError(_("Change at least one field of the entry to correct it."))
        return {"outcome": cleaned.get("outcome"), "reason": cleaned.get("reason", ""), "corrections": corrections}


# --- the public website (Chinese only) -----------------------------------------------------------


class PublicObjectionForm(forms.Form):
    target = PublicTargetField(label="异议对象", help_text="对行政许可、行政处罚公示信息有异议的，请选择“双公示”并填写其决定文号。")
    identifier = PublicIdentifierField()  # its format only: whether anyone holds it is never said
    name = forms.CharField(label="主体名称或姓名", max_length=200, help_text="须与统一社会信用代码或身份证号码登记的名称一致。")
    decision_number = forms.CharField(label="决定文号", max_length=200, required=False, help_text="有异议的公示信息的决定文号。")
    case_number = forms.CharField(label="联合奖惩案件编号", max_length=40, required=False, help_text="如对联合奖惩案件有异议，请填写案件编号（LJ-开头）。")
    grounds = forms.CharField(label="异议理由", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    contact = forms.CharField(label="联系人及联系方式", max_length=200, help_text="用于告知受理和核查结果，不会公开。")
    evidence = MultipleFileField(label="证明材料", help_text="可选。PDF、JPG 或 PNG 格式，每个不超过 10 MB。")

    def clean_evidence(self):
        return check_public_files(self.cleaned_data.get("evidence"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == "record" and not cleaned.get("decision_number", "").strip():
            self.add_error("decision_number", "请填写决定文号。")
        elif not cleaned.get("decision_number", "").strip() and not cleaned.get("case_number", "").strip():
            self.add_error("decision_number", "请填写决定文号或联合奖惩案件编号。")
        return cleaned
