"""Forms of complaints: the public website's filing (Chinese, no login) and the admin's moves.

They validate input only; ``complaints.services`` decides and writes.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintAction
from credit_platform.domains import Domain
from credit_platform.forms import DateInput, MultipleFileField, check_public_files
from credit_platform.models import Department
from credit_platform.public_filing import PublicIdentifierField


class PublicComplaintForm(forms.Form):
    identifier = PublicIdentifierField(label="被举报主体的统一社会信用代码或身份证号码")
    name = forms.CharField(label="被举报主体名称或姓名", max_length=200)
    grounds = forms.CharField(label="举报内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="请写明失信行为的时间、地点、经过等具体情况。")
    contact = forms.CharField(label="举报人联系方式", max_length=200, help_text="用于告知核实结果，严格保密，不会向被举报人或其他单位透露。")
    evidence = MultipleFileField(label="证据材料", help_text="可选。PDF、JPG 或 PNG 格式，每个不超过 10 MB。")

    def clean_evidence(self):
        return check_public_files(self.cleaned_data.get("evidence"))


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True, is_leadership_office=False).order_by("name"),
        help_text=_("The competent department verifies and answers within 15 working days."),
    )


class SubstantiateForm(forms.Form):
    action = forms.ChoiceField(label=_("Outcome"), choices=ComplaintAction.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Verification note"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=4000)
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=200,
                                      help_text=_("Record or black-list proposal: default 举报核查〔year〕id号 (never the receipt number)."))
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DateInput(), help_text=_("Default today."))
    domain = forms.ChoiceField(label=_("Domain"), required=False, choices=[("", "---------"), *Domain.choices],
                               help_text=_("Required for a black-list proposal."))
    exit_conditions = forms.CharField(label=_("Exit conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                                      help_text=_("Required for a black-list proposal."))
    remedies = forms.CharField(label=_("Remedies"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                               help_text=_("Required for a black-list proposal."))

    def clean(self):
        cleaned = super().clean()
        return {name: value for name, value in cleaned.items() if value not in (None, "")}
