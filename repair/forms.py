"""Forms of credit repair: the admin's (enter, reject) and the public website's (Chinese, no login).

They validate input only; ``repair.services`` decides (eligibility included) and writes.
"""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from credit_platform.forms import MultipleFileField, check_public_files
from credit_platform.public_filing import PublicIdentifierField, PublicTargetField
from lists.access import entries_for_user
from lists.models import ListEntry
from records.access import records_for_user
from records.models import CreditRecord
from repair.models import RepairApplication, RepairDocument


def _label(field: str):
    return capfirst(RepairApplication._meta.get_field(field).verbose_name)


DOCUMENT_FIELDS = {
    "proof_files": RepairDocument.Kind.PROOF,
    "commitment_files": RepairDocument.Kind.COMMITMENT,
    "training_files": RepairDocument.Kind.TRAINING,
}


def documents_of(cleaned_data: dict) -> list[tuple]:
    """``[(kind, file)]`` from the three file inputs."""
    return [(kind, file) for name, kind in DOCUMENT_FIELDS.items() for file in cleaned_data.get(name) or []]


# --- the admin -----------------------------------------------------------------------------------


class RepairEnterForm(forms.Form):
    """A department enters a subject's application (e.g. handed in at its counter)."""

    list_entry = forms.ModelChoiceField(label=_label("list_entry"), queryset=ListEntry.objects.none(), required=False)
    record = forms.ModelChoiceField(label=_label("record"), queryset=CreditRecord.objects.none(), required=False,
                                    help_text=_("Or the penalty record whose publicity is repaired."))
    applicant_name = forms.CharField(label=_label("applicant_name"), max_length=200, required=False, help_text=_("Default: the subject's name."))
    contact = forms.CharField(label=_label("contact"), max_length=200)
    evidence = forms.CharField(label=_label("evidence"), widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
                               help_text=RepairApplication._meta.get_field("evidence").help_text)
    commitment_signed = forms.BooleanField(label=_label("commitment_signed"), required=False)
    proof_files = MultipleFileField(label=RepairDocument.Kind.PROOF.label, required=True, help_text=_("PDF, JPG or PNG, at most 10 MB each."))
    commitment_files = MultipleFileField(label=RepairDocument.Kind.COMMITMENT.label, required=True)
    training_files = MultipleFileField(
        label=RepairDocument.Kind.TRAINING.label,
        help_text=_("Severe dishonesty, where the entry's rule set asks for it (order 36 of 2026)."),
    )

    def __init__(self, data=None, files=None, *, user, admin_site=None, **kwargs):
        super().__init__(data, files, **kwargs)
        for name, queryset in (("list_entry", entries_for_user(user)), ("record", records_for_user(user))):
            field = self.fields[name]
            field.queryset = queryset
            # Millions of entries and records: searched through their admin's autocomplete.
            field.widget = AutocompleteSelect(RepairApplication._meta.get_field(name), admin_site or admin.site)
            field.widget.choices = field.choices

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("list_entry", "record") if cleaned.get(name)]
        if len(given) != 1 and not self.has_error("list_entry") and not self.has_error("record"):
            raise forms.ValidationError(_("Name the list entry or the credit record to repair."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "entry": data.get("list_entry"), "record": data.get("record"), "applicant_name": data["applicant_name"], "contact": data["contact"], "evidence": data["evidence"],
            "commitment_signed": data["commitment_signed"], "documents": documents_of(data),
        }


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))
    false_materials = forms.BooleanField(
        label=_("False materials"), required=False,
        help_text=_("The subject provided false materials: repair is barred for the rule set's bar period."),
    )


# --- the public website (Chinese only) -----------------------------------------------------------


class PublicRepairForm(forms.Form):
    target = PublicTargetField(label="修复对象", help_text="申请修复行政处罚公示信息的，请选择“双公示”并填写行政处罚决定书文号。")
    identifier = PublicIdentifierField()  # its format only: whether anyone holds it is never said
    name = forms.CharField(label="主体名称或姓名", max_length=200, help_text="须与统一社会信用代码或身份证号码登记的名称一致。")
    decision_number = forms.CharField(label="决定文号", max_length=200, help_text="申请修复的失信信息的决定文号。")
    evidence = forms.CharField(label="履行义务和纠正失信行为的情况", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text="如：已履行法院判决、已缴清税款和罚款、已消除不良影响等。")
    commitment_signed = forms.BooleanField(label="本人（单位）已签署并公开信用承诺书", required=False)
    contact = forms.CharField(label="联系人及联系方式", max_length=200, help_text="用于告知受理和审核结果，不会公开。")
    proof_files = MultipleFileField(label="履行义务的证明材料", required=True, help_text="必须提交。PDF、JPG 或 PNG 格式，每个不超过 10 MB。",
                                    error_messages={"required": "请上传履行法定义务、纠正失信行为的证明材料。"})
    commitment_files = MultipleFileField(label="信用承诺书", required=True, help_text="必须提交：签署的信用承诺书（扫描件或照片）。",
                                         error_messages={"required": "请上传签署的信用承诺书。"})
    training_files = MultipleFileField(label="信用修复培训证明或信用报告",
                                       help_text="严重失信主体（2026年4月1日起作出的决定）须提交。")

    def clean(self):
        cleaned = super().clean()
        files = [file for name in DOCUMENT_FIELDS for file in cleaned.get(name) or []]
        try:
            check_public_files(files)
        except forms.ValidationError as exc:
            self.add_error("proof_files", exc)
        if not cleaned.get("commitment_signed"):
            self.add_error("commitment_signed", "申请信用修复须签署信用承诺书。")
        return cleaned
