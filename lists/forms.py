"""Forms of the list entry admin. They take input only; lists.services validates, decides and writes."""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit_platform.domains import Domain, ListType
from credit_platform.forms import DateInput
from credit_platform.models import Subject
from lists.models import ListEntry, RemovalReason, Severity


def _label(field: str):
    return ListEntry._meta.get_field(field).verbose_name


class EntryProposeForm(forms.Form):
    """Identify a subject for a list: ``services.entry_propose`` with these fields."""

    subject = forms.ModelChoiceField(label=_label("subject"), queryset=Subject.objects.all())
    list_type = forms.ChoiceField(label=_label("list_type"), choices=ListType.choices)
    severity = forms.ChoiceField(
        label=_label("severity"), choices=[("", "---------"), *Severity.choices], required=False,
        help_text=_("Black and watch entries (a dishonesty); leave it empty for a red entry."),
    )
    domain = forms.ChoiceField(label=_label("domain"), choices=Domain.choices)
    basis = forms.CharField(
        label=_label("basis"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The law, regulation or central document the entry rests on, cited."),
    )
    decision_number = forms.CharField(label=_label("decision_number"), max_length=200)
    decided_on = forms.DateField(
        label=_label("decided_on"), widget=DateInput(), help_text=_("The publication periods run from the date of the decision document."),
    )

    valid_until = forms.DateField(
        label=_label("valid_until"), widget=DateInput(), required=False,
        help_text=_("Red entries only, when the decision gives its validity; otherwise the rule set's months from the decision date."),
    )
    # Required for a black entry (the service says so on the field); red and watch entries may leave them out.
    facts = forms.CharField(label=_label("facts"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Required for a black entry; printed on the notice to the subject."))
    exit_conditions = forms.CharField(label=_label("exit_conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("Required for a black entry."))
    remedies = forms.CharField(label=_label("remedies"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=ListEntry._meta.get_field("remedies").help_text)

    def __init__(self, data=None, *, admin_site=None, **kwargs):
        super().__init__(data, **kwargs)
        # Millions of subjects: always searched, never listed.
        self.fields["subject"].widget = AutocompleteSelect(ListEntry._meta.get_field("subject"), admin_site or admin.site)
        self.fields["subject"].queryset = Subject.objects.all()  # hands the new widget its choices


class NotifyForm(forms.Form):
    method = forms.CharField(
        label=_label("notify_method"), max_length=200, help_text=_("Served in person, by post, by the court's service system, ..."),
    )
    notified_on = forms.DateField(
        label=_label("notified_on"), widget=DateInput(), initial=timezone.localdate,
        help_text=_("The statement and defence window counts working days from this day."),
    )


class StatementForm(forms.Form):
    text = forms.CharField(label=_label("statement_text"), required=False, widget=forms.Textarea(attrs={"rows": 6, "cols": 60}))
    waived = forms.BooleanField(
        label=_label("statement_waived"), required=False, help_text=_("The entry can then be published before the window ends."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_label("withdraw_reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class RemoveForm(forms.Form):
    reason = forms.ChoiceField(label=_label("removal_reason"), choices=RemovalReason.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                           help_text=_("Kept in the audit trail."))
