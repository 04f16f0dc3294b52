"""Form pieces every app's forms use: the date widget, the reason forms, file inputs and the public
forms' own check of uploads. They validate input only; the services decide and write."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from credit_platform import uploads


class DateInput(forms.DateInput):
    """The browser's own date picker: no admin calendar script needed."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), required=False)


class RequiredReasonForm(ReasonForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type and size). ``required=True``:
    at least one file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


def check_public_files(files, field_label: str = "附件") -> list:
    """The public forms' own check of uploads, with Chinese messages (the service checks again)."""
    files = list(files or [])
    errors = []
    if len(files) > uploads.MAX_UPLOADS:
        errors.append(f"{field_label}最多 {uploads.MAX_UPLOADS} 个。")
    for file in files:
        if file.size > uploads.MAX_UPLOAD_BYTES:
            errors.append(f"“{file.name}”超过 {uploads.MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
            continue
        try:
            uploads.upload_content_type(file)
        except ValidationError:
            errors.append(f"“{file.name}”不是 PDF、JPG 或 PNG 文件。")
    if errors:
        raise ValidationError(errors)
    return files
