"""What the public filing of objections and credit repairs shares: the pages under ``/credit/`` (no
login, Chinese only) and ``/api/v1/public/``.

- **Matching tells nobody who is in the registry.** A filer names the subject (identifier and
  name) and the record (a decision or case number); whatever does not match — an unknown
  identifier, a name that is not the subject's, an unknown number, a record the public site does
  not show (a watch-list or a minor's entry among them) — is the one answer ``no_public_match()``:
  a 400 with the same body and the same page. Only the *format* of the input is reported as such
  (``clean_identifier``: length, characters, check character), and everything that does not depend
  on the record (grounds, contact, files) is checked before the match (forms, ``public_uploads``
  and the public serializers), so no answer differs between a match and a mismatch except the
  filing itself. A match always files: what the record says beyond it (a repair not yet possible,
  one already being handled) is the filed application's refusal, read with its receipt.
- Throttling per address and minute on the pages (the API has DRF's ``public`` scope).
- The receipt (PRG: the number kept in the session) and the status look-up pages.
- The public API's base (``PublicAPIMixin``), receipt, evidence files and parsers.
- Receipt numbers: unguessable, since the number alone lets the applicant follow the application.
"""
import secrets
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle

from credit_platform import identifiers, uploads
from credit_platform.clients import client_address
from credit_platform.api.idempotency import IdempotentMixin
from credit_platform.api.parsers import BoundedJSONParser
from credit_platform.api.schema import PlatformAutoSchema

# --- matching --------------------------------------------------------------------------------------

NO_PUBLIC_MATCH = "no_public_match"  # the code of the one mismatch error
NO_PUBLIC_MATCH_MESSAGE = _(
    "No public record matches the identifier, the name and the number given. Check them and try again."
)
IDENTIFIER_FORMAT_MESSAGE = _(
    "This is not a valid unified social credit code or citizen ID number: check its 18 characters and its check character."
)


def no_public_match() -> ValidationError:
    """The one error for any mismatch of a public filing (non-field, so it names no part of the input)."""
    return ValidationError(NO_PUBLIC_MATCH_MESSAGE, code=NO_PUBLIC_MATCH)


def clean_identifier(value) -> str:
    """The identifier as stored (trimmed, upper-case) when its format is that of a unified social
    credit code or a citizen ID number; else a ValidationError about the format only."""
    identifier = identifiers.normalise(value)
    for validate in (identifiers.validate_uscc, identifiers.validate_citizen_id):
        try:
            validate(identifier)
        except ValidationError:
            continue
        return identifier
    raise ValidationError(IDENTIFIER_FORMAT_MESSAGE, code="identifier_format")


# --- throttling (the pages) ------------------------------------------------------------------------

DEFAULT_FILINGS_PER_MINUTE = 10  # filings per address and minute (settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE)
DEFAULT_LOOKUPS_PER_MINUTE = 30  # receipt look-ups per address and minute (settings.CREDIT_PUBLIC_LOOKUPS_PER_MINUTE)
TOO_MANY = "提交过于频繁，请稍后再试。"


def throttled(request, scope: str, setting: str, default: int) -> bool:
    """A fixed-window limit per address and minute, in the shared cache (the API has DRF's "public" scope)."""
    rate = getattr(settings, setting, default)
    if not rate:
        return False
    key = f"credit-public-{scope}:{client_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > rate


def filing_throttled(request) -> bool:
    return throttled(request, "filing", "CREDIT_PUBLIC_FILINGS_PER_MINUTE", DEFAULT_FILINGS_PER_MINUTE)


def lookup_throttled(request) -> bool:
    return throttled(request, "lookup", "CREDIT_PUBLIC_LOOKUPS_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE)


# --- the pages -------------------------------------------------------------------------------------

# The services' field errors both filings share, in the public's words (the site is Chinese only).
FIELD_MESSAGES = {
    "contact": "请填写联系方式，以便告知处理结果。",
}


def add_public_errors(form, exc: ValidationError, messages: dict) -> None:
    """A service's refusal on the public form, in Chinese, on the field it names where the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, "；".join(exc.messages))
        return
    for name in exc.error_dict:
        message = messages.get(name) or "；".join(ValidationError(exc.error_dict[name]).messages)
        form.add_error(name if name in form.fields else None, message)


class PublicIdentifierField(forms.CharField):
    """The subject's identifier on a public form: its format checked (Chinese message), never whether anyone holds it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "统一社会信用代码或身份证号码")
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_identifier(super().clean(value))


# What a public filing names (DESIGN.md "Contract details": ``target``): a list entry (the default,
# so earlier clients keep working; an objection may name a case instead) or a 双公示 credit record.
TARGET_LIST_ENTRY, TARGET_RECORD = "list_entry", "record"
PUBLIC_TARGET_CHOICES = [(TARGET_LIST_ENTRY, "信用名单信息或联合奖惩案件"), (TARGET_RECORD, "行政许可、行政处罚信息（双公示）")]


class PublicTargetField(forms.ChoiceField):
    """The public forms' ``target`` (radio buttons); ``list_entry`` when left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "信息类别")
        super().__init__(choices=PUBLIC_TARGET_CHOICES, required=False, initial=TARGET_LIST_ENTRY, widget=forms.RadioSelect, **kwargs)

    def clean(self, value):
        return super().clean(value) or TARGET_LIST_ENTRY


class PublicTargetSerializerField(serializers.ChoiceField):
    """The public API's ``target``: ``list_entry`` (default) or ``record``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("What is named: list_entry (default) or record (a 双公示 record, by its decision_number)."))
        super().__init__(choices=[TARGET_LIST_ENTRY, TARGET_RECORD], required=False, default=TARGET_LIST_ENTRY, **kwargs)


class ReceiptLookupForm(forms.Form):
    receipt_number = forms.CharField(label="受理回执号", max_length=20)

    def clean_receipt_number(self):
        return self.cleaned_data["receipt_number"].strip().upper()


def receipt_page(request, *, session_key: str, find, status_of, template: str, status_url: str):
    """The receipt of what this browser just filed (its number kept in the session, not in the
    address); without one, the status lookup page. Shared by objections and credit repairs."""
    with translation.override("zh-hans"):
        filed = find(request.session.get(session_key, ""))
        if filed is None:
            return redirect(status_url)
        return render(request, template, {"status": status_of(filed)})


def status_page(request, *, find, status_of, template: str):
    """Follow an application by its receipt number (POSTed, so the number stays out of addresses
    and logs; throttled per address). Shared by objections and credit repairs."""
    with translation.override("zh-hans"):
        form = ReceiptLookupForm(request.POST or None)
        context, status = {"form": form, "status": None, "not_found": False}, 200
        if request.method == "POST":
            if lookup_throttled(request):
                form.add_error(None, "查询过于频繁，请稍后再试。")
                status = 429
            elif form.is_valid():
                filed = find(form.cleaned_data["receipt_number"])
                if filed is None:
                    context["not_found"], status = True, 404
                else:
                    context["status"] = status_of(filed)
        return render(request, template, context, status=status)


# --- the API ---------------------------------------------------------------------------------------

UPLOAD_PARSERS = [BoundedJSONParser, MultiPartParser, FormParser]


class PublicAPIMixin(IdempotentMixin):
    """No login, throttled per address (scope ``public``); ``Idempotency-Key`` scoped by key and
    client address, so a retried filing files once and gets the same receipt."""

    idempotency_anonymous = True
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    schema = PlatformAutoSchema()


class ReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(help_text=_("Keep it: it is the only way to follow the application."))
    state = serializers.CharField()


class EvidenceFilesField(serializers.ListField):
    child = serializers.FileField(max_length=255, allow_empty_file=False)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", uploads.MAX_UPLOADS)
        kwargs.setdefault("help_text", _("PDF, JPG or PNG files of at most 10 MB each (multipart/form-data)."))
        super().__init__(**kwargs)


class PublicIdentifierSerializerField(serializers.CharField):
    """The subject's identifier in a public API body: its format checked, never whether anyone holds it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", _("Unified social credit code or citizen ID number of the subject."))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return clean_identifier(super().to_internal_value(data))
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


def public_uploads(files) -> list:
    """For a public serializer's ``validate_<files>``: the files, or their refusals (number, size,
    type) as that field's errors, before any record is looked up. The service checks again."""
    try:
        uploads.uploads_check(files, field="files")
    except ValidationError as exc:
        raise serializers.ValidationError(exc.message_dict["files"]) from None
    return files


# --- receipt numbers -------------------------------------------------------------------------------

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed back


def new_receipt_number(prefix: str = "YY") -> str:
    """A receipt number: the prefix (YY objections, XF credit repairs) and 12 random characters.
    Unguessable: the receipt number alone lets the applicant follow the application."""
    return prefix + "".join(secrets.choice(RECEIPT_ALPHABET) for _position in range(12))
