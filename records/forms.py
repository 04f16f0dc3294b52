"""Forms of the record admin. They take input only; records.services validates, decides and writes."""
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from credit_platform.domains import Domain, Severity
from credit_platform.forms import DateInput
from credit_platform.models import Subject
from records.models import BASIS_MAX_LENGTH, CreditRecord, RecordRemovalReason, RecordType


def _label(field: str):
    return CreditRecord._meta.get_field(field).verbose_name


class RecordCreateForm(forms.Form):
    """Enter a record: ``services.record_create`` with these fields (the content as the type's fields, in JSON)."""

    subject = forms.ModelChoiceField(label=_label("subject"), queryset=Subject.objects.all())
    record_type = forms.ModelChoiceField(label=_label("record_type"), queryset=RecordType.objects.none())
    decision_number = forms.CharField(label=_label("decision_number"), max_length=200)
    decided_on = forms.DateField(label=_label("decided_on"), widget=DateInput(),
                                 help_text=_("The 双公示 date and the publication periods run from the date of the decision."))
    severity = forms.ChoiceField(label=_label("severity"), choices=[("", "—"), *Severity.choices], required=False,
                                 help_text=_("Penalties: minor, general or severe."))
    domain = forms.ChoiceField(label=_label("domain"), choices=[("", "—"), *Domain.choices], required=False,
                               help_text=_("Penalty and dishonesty records; default: the type's domain."))
    basis = forms.CharField(label=_label("basis"), required=False, max_length=BASIS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    content = forms.CharField(
        label=_label("content"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The type's fields as JSON, e.g. {\"licence_name\": \"食品经营许可证\"}; see the information catalogue."),
    )
    valid_until = forms.DateField(label=_label("valid_until"), required=False, widget=DateInput(),
                                  help_text=_("Licensing: 2099-12-31 means until removed; empty, 3 years."))
    consent_reference = forms.CharField(label=_label("consent_reference"), required=False, max_length=200,
                                        help_text=_("Required where the type needs the subject's written consent."))
    publish = forms.BooleanField(label=_("Publish at once"), required=False)

    def __init__(self, data=None, *, types=None, admin_site=None, **kwargs):
        super().__init__(data, **kwargs)
        # Millions of subjects: always searched, never listed.
        self.fields["subject"].widget = AutocompleteSelect(CreditRecord._meta.get_field("subject"), admin_site or admin.site)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["record_type"].queryset = types if types is not None else RecordType.objects.none()

    def clean_content(self):
        text = (self.cleaned_data.get("content") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Give the content as a JSON object.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give the content as a JSON object."))
        return value


class RecordRemoveForm(forms.Form):
    reason = forms.ChoiceField(label=_label("removal_reason"), choices=RecordRemovalReason.choices)
    note = forms.CharField(label=_label("removal_note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                           help_text=_("Kept in the audit trail."))
