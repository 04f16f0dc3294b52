"""The filters every dashboard page, export and API endpoint reads from its query string."""
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from credit_platform import dates
from credit_platform.models import Department
from supervision.selectors import Filters


class FilterForm(forms.Form):
    """``from``, ``to`` (inclusive dates), ``department`` (code), ``region`` (region code prefix)."""

    department = forms.SlugField(label=_("Department"), required=False, max_length=64)
    region = forms.CharField(
        label=_("Region code"), required=False, max_length=12,
        validators=[RegexValidator(r"^\d{2,12}$", _("A region code is 2 to 12 digits."))],
    )

    def __init__(self, data=None, *, user=None, sees_all: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        # "from" is a Python keyword: declared here rather than as a class attribute.
        self.fields = {
            "from": forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
            "to": forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
            **self.fields,
        }
        if user is not None:
            departments = Department.objects.filter(is_active=True).order_by("code")
            if not sees_all:
                departments = departments.filter(pk=getattr(user, "department_id", None))
            self.fields["department"].widget = forms.Select(
                choices=[("", _("All departments") if sees_all else "—")] + [(d.code, d.display_name) for d in departments]
            )

    def clean(self):
        cleaned = super().clean()
        for field in ("from", "to"):
            message = dates.out_of_range(cleaned.get(field))
            if message:
                self.add_error(field, message)
        if cleaned.get("from") and cleaned.get("to") and cleaned["to"] < cleaned["from"]:
            self.add_error("to", _("The end of the range cannot be before its start."))
        return cleaned

    def filters(self) -> Filters:
        """The valid filters (invalid fields are left out: the page says why)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return Filters(
            date_from=data.get("from"), date_to=data.get("to"),
            department=data.get("department") or "", region=data.get("region") or "",
        )
