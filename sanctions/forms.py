"""Forms of the sanctions admin. They validate input only; sanctions.services decides and writes."""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from credit_platform.domains import Severity
from credit_platform.forms import DateInput
from credit_platform.models import Department, Subject
from credit_platform.permissions import department_of, is_credit_office
from sanctions import access, services
from sanctions.models import AppliesTo, JointCase, Measure, Memorandum, Outcome


def _label(model, field: str):
    return capfirst(model._meta.get_field(field).verbose_name)


def measure_label(measure: Measure) -> str:
    """"P-FIN-01 限制…", in English where the catalogue has the English name."""
    language = get_language() or ""
    name = measure.name_en if language.startswith("en") and measure.name_en else measure.name
    return f"{measure.code} {name}"


# --- catalogue ---------------------------------------------------------------------------------


class MeasureForm(forms.ModelForm):
    """``applies_to`` is a JSON list in the model: offer it as checkboxes of the subject kinds."""

    applies_to = forms.MultipleChoiceField(
        label=_label(Measure, "applies_to"), choices=AppliesTo.choices, widget=forms.CheckboxSelectMultiple,
        help_text=Measure._meta.get_field("applies_to").help_text,
    )

    class Meta:
        model = Measure
        fields = ["code", "department", "kind", "category", "name", "name_en", "legal_basis", "applies_to", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].queryset = Department.objects.filter(is_executing=True).order_by("code")

    def clean_applies_to(self):
        # Stored in the order of the choices, so an unchanged selection is an unchanged value.
        chosen = set(self.cleaned_data["applies_to"])
        return [value for value in AppliesTo.values if value in chosen]


# --- cases ---------------------------------------------------------------------------------------


def memoranda_initiable_by(user):
    """Active memoranda under which the user's department may open cases.

    The same rule as ``access.can_initiate(user, memorandum)``, as one query for the whole choice
    list; the service asks ``access.can_initiate`` again before it creates anything.
    """
    memoranda = Memorandum.objects.filter(is_active=True).order_by("code")
    if not access.can_initiate(user):
        return memoranda.none()
    if is_credit_office(user):
        return memoranda
    return memoranda.filter(initiators=department_of(user))


class MeasureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{measure_label(obj)} — {obj.department}"


class CaseCreateForm(forms.Form):
    """Open a draft case. Two steps without JavaScript: once the subject and the memorandum are
    known, the form offers the memorandum's measures that fit the subject, all ticked; the clerk
    unticks what does not apply and saves again. ``sanctions_case_form.js`` offers them at once."""

    subject = forms.ModelChoiceField(label=_label(JointCase, "subject"), queryset=Subject.objects.all())
    kind = forms.ChoiceField(label=_label(JointCase, "kind"), choices=JointCase._meta.get_field("kind").choices)
    memorandum = forms.ModelChoiceField(label=_label(JointCase, "memorandum"), queryset=Memorandum.objects.none())
    measures = MeasureChoiceField(
        label=_label(JointCase, "measures"), queryset=Measure.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The memorandum's measures that fit the subject; untick those that do not apply."),
    )
    severity = forms.ChoiceField(
        label=_label(JointCase, "severity"), choices=[("", "---------"), *Severity.choices], required=False, initial=Severity.SEVERE,
        help_text=_("How grave the dishonesty is; a reward case may leave it empty."),
    )
    basis = forms.CharField(label=_label(JointCase, "basis"), widget=forms.Textarea(attrs={"rows": 3}))
    basis_document = forms.CharField(label=_label(JointCase, "basis_document"), max_length=200, required=False)
    period_start = forms.DateField(label=_label(JointCase, "period_start"), widget=DateInput())
    period_end = forms.DateField(label=_label(JointCase, "period_end"), widget=DateInput())
    # "<subject id>:<memorandum id>" whose fitting measures the page has offered.
    offered_for = forms.CharField(widget=forms.HiddenInput, required=False)
    # True when this submission first offered the measures: the clerk checks them and saves again.
    offer_pending = False

    def __init__(self, data=None, *, user, admin_site=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        # Millions of subjects: always searched, never listed.
        subject = self.fields["subject"]
        subject.widget = AutocompleteSelect(JointCase._meta.get_field("subject"), admin_site or admin.site)
        subject.widget.choices = subject.choices
        self.fields["memorandum"].queryset = memoranda_initiable_by(user)
        self.fitting = self._fitting_from_data()
        self.fields["measures"].queryset = Measure.objects.filter(pk__in=[m.pk for m in self.fitting]).select_related("department")

    def _fitting_from_data(self) -> list[Measure]:
        if not self.is_bound:
            return []
        try:
            subject = Subject.objects.get(pk=self.data.get(self.add_prefix("subject")))
            memorandum = self.fields["memorandum"].queryset.get(pk=self.data.get(self.add_prefix("memorandum")))
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
            return []
        return services.measures_fitting(memorandum=memorandum, subject=subject)

    def clean(self):
        cleaned = super().clean()
        subject, memorandum = cleaned.get("subject"), cleaned.get("memorandum")
        if subject is None or memorandum is None:
            return cleaned
        offered_for = f"{subject.pk}:{memorandum.pk}"
        if cleaned.get("offered_for") != offered_for:
            # First sight of this subject and memorandum: offer the fitting measures, all ticked.
            data = self.data.copy()
            data[self.add_prefix("offered_for")] = offered_for
            data.setlist(self.add_prefix("measures"), [str(m.pk) for m in self.fitting])
            self.data = data
            if self.fitting:
                self.offer_pending = True
            else:
                self.add_error("measures", _("No measure of this memorandum fits this subject."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "kind": data["kind"],
            "memorandum": data["memorandum"],
            # An empty choice stays empty (the service refuses it) rather than meaning "all".
            "measures": list(data["measures"]),
            "severity": data["severity"] or None,  # empty: the default for the kind of case
            "basis": data["basis"],
            "basis_document": data["basis_document"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
        }


class CaseDraftForm(forms.Form):
    """Correct a draft: its basis, period and measures (the memorandum's that fit its subject)."""

    measures = MeasureChoiceField(
        label=_label(JointCase, "measures"), queryset=Measure.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    basis = forms.CharField(label=_label(JointCase, "basis"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    basis_document = forms.CharField(label=_label(JointCase, "basis_document"), max_length=200, required=False)
    period_start = forms.DateField(label=_label(JointCase, "period_start"), widget=DateInput())
    period_end = forms.DateField(label=_label(JointCase, "period_end"), widget=DateInput())

    def __init__(self, data=None, *, case: JointCase, **kwargs):
        kwargs.setdefault("initial", {
            "measures": list(case.measures.values_list("pk", flat=True)), "basis": case.basis, "basis_document": case.basis_document,
            "period_start": case.period_start, "period_end": case.period_end,
        })
        super().__init__(data, **kwargs)
        fitting = services.measures_fitting(memorandum=case.memorandum, subject=case.subject)
        self.fields["measures"].queryset = Measure.objects.filter(pk__in=[m.pk for m in fitting]).select_related("department")

    def clean_measures(self):
        # An empty choice stays empty (the service refuses it) rather than meaning "all".
        return list(self.cleaned_data["measures"])


class CaseAmendForm(forms.Form):
    """Amend a live case: measures of its memorandum to add, measures of the case to withdraw, and why."""

    add_measures = MeasureChoiceField(
        label=_("Measures to add"), queryset=Measure.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Measures of the memorandum that fit the subject and are not on the case: pushed at once to their departments."),
    )
    withdraw_measures = MeasureChoiceField(
        label=_("Measures to withdraw"), queryset=Measure.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Their departments lift them and confirm."),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000)

    def __init__(self, data=None, *, case: JointCase, **kwargs):
        super().__init__(data, **kwargs)
        on_case = list(case.measures.values_list("pk", flat=True))
        fitting = [m.pk for m in services.measures_fitting(memorandum=case.memorandum, subject=case.subject) if m.pk not in on_case]
        self.fields["add_measures"].queryset = Measure.objects.filter(pk__in=fitting).select_related("department")
        self.fields["withdraw_measures"].queryset = Measure.objects.filter(pk__in=on_case).select_related("department")

    def clean(self):
        cleaned = super().clean()
        cleaned["add_measures"] = list(cleaned.get("add_measures") or [])
        cleaned["withdraw_measures"] = list(cleaned.get("withdraw_measures") or [])
        return cleaned


# --- assignments -----------------------------------------------------------------------------------


class MeasureLiftConfirmForm(forms.Form):
    """Which withdrawn measure of the push the department has lifted."""

    measure = forms.ModelChoiceField(label=_("Withdrawn measure"), queryset=Measure.objects.none(), widget=forms.RadioSelect)

    def __init__(self, data=None, *, assignment, **kwargs):
        super().__init__(data, **kwargs)
        pending = assignment.measure_liftings.filter(confirmed_at__isnull=True).values("measure_id")
        self.fields["measure"].queryset = Measure.objects.filter(pk__in=pending).order_by("code")
        self.fields["measure"].label_from_instance = measure_label


class ReassignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Executing department"), queryset=Department.objects.none())

    def __init__(self, data=None, *, assignment, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["department"].queryset = (
            Department.objects.filter(is_executing=True, is_active=True).exclude(pk=assignment.department_id).order_by("code")
        )


class FeedbackRowForm(forms.Form):
    """What the department did with one measure."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    note = forms.CharField(label=_("Note / reason"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    business_reference = forms.CharField(label=_("Business reference"), required=False, max_length=200)

    def __init__(self, data=None, *, measure: Measure, require_outcome: bool, **kwargs):
        super().__init__(data, prefix=f"m{measure.pk}", **kwargs)
        self.measure = measure
        self.label = measure_label(measure)
        self.fields["outcome"].required = require_outcome
        self.fields["occurred_on"].initial = timezone.localdate


class FeedbackForm(forms.Form):
    """One row per measure of the assignment. For the first feedback every row needs an outcome;
    a later record (after ``fed_back``) takes only the rows given an outcome."""

    def __init__(self, data=None, *, measures: list[Measure], require_all: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.require_all = require_all
        self.rows = [FeedbackRowForm(data, measure=m, require_outcome=require_all) for m in measures]

    @property
    def media(self):
        return forms.Media()

    def clean(self):
        valid = [row.is_valid() for row in self.rows]  # every row, so each shows its own errors
        if not all(valid):
            raise ValidationError(_("Correct the rows marked below."))
        items = [
            services.FeedbackItem(
                measure=row.measure,
                outcome=row.cleaned_data["outcome"],
                note=row.cleaned_data["note"],
                occurred_on=row.cleaned_data["occurred_on"],
                business_reference=row.cleaned_data["business_reference"],
            )
            for row in self.rows
            if row.cleaned_data.get("outcome")
        ]
        return {"items": items}


class BulkLiftForm(forms.Form):
    """The admin action "Lift selected cases": how they end and why."""

    how = forms.ChoiceField(
        label=_("how the cases end"),
        choices=[("revoked", _("revoked")), ("expired", _("expired (only cases whose period is over)"))],
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
