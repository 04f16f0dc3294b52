"""Identifiers of credit subjects: normalisation and check-character validation.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
  ``0123456789ABCDEFGHJKLMNPQRTUWXY``; the 18th is a check character over the first 17.
- Citizen ID number (公民身份号码), GB 11643-1999: 17 digits, then a check digit or ``X``;
  digits 7-14 are a real birth date. The 15-digit legacy number is not accepted.
"""
import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
CITIZEN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CITIZEN_ID_CHECK = "10X98765432"

PERSON_KINDS = {"natural_person"}


def normalise(value) -> str:
    """Trim and upper-case; identifiers are compared and stored in this form."""
    return "" if value is None else str(value).strip().upper()


def normalise_typed(value) -> str:
    """``normalise`` an identifier typed or pasted where nothing but an identifier is expected (the
    credit check): every space and invisible format character (zero-width space, BOM, direction
    marks) dropped too, so ``9162 0702…`` or a code pasted with U+200B is still found, not answered
    "not registered" for a listed subject."""
    text = "" if value is None else str(value)
    return normalise("".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf"))


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Raise ValidationError unless ``value`` (already normalised) is a valid unified social credit code."""
    if not value:
        raise ValidationError(_("Enter the unified social credit code."), code="required")
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."), code="length", params={"n": len(value)}
        )
    bad = sorted({c for c in value if c not in USCC_CHARSET})
    if bad:
        raise ValidationError(
            _("Characters not allowed in a unified social credit code: %(chars)s (I, O, Z, S and V are never used)."),
            code="charset",
            params={"chars": " ".join(bad)},
        )
    if not value[2:8].isdigit():
        raise ValidationError(_("Characters 3 to 8 must be the administrative division code (digits)."), code="division")
    if uscc_check_character(value[:17]) != value[17]:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="check")


def citizen_id_check_character(first17: str) -> str:
    return CITIZEN_ID_CHECK[sum(int(d) * w for d, w in zip(first17, CITIZEN_ID_WEIGHTS, strict=True)) % 11]


def validate_citizen_id(value: str) -> datetime.date:
    """Raise ValidationError unless ``value`` (normalised) is a valid 18-character citizen ID; return the birth date."""
    if not value:
        raise ValidationError(_("Enter the citizen ID number."), code="required")
    if len(value) == 15 and value.isdigit():
        raise ValidationError(_("15-digit ID numbers are no longer accepted; enter the 18-character number."), code="legacy")
    if len(value) != 18:
        raise ValidationError(
            _("A citizen ID number has 18 characters; this one has %(n)d."), code="length", params={"n": len(value)}
        )
    # ASCII digits only: str.isdigit() also admits "²" (int() refuses it) and full-width "１".
    if not (value[:17].isascii() and value[:17].isdigit()) or value[17] not in "0123456789X":
        raise ValidationError(_("A citizen ID number is 17 digits followed by a digit or X."), code="charset")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("Characters 7 to 14 are not a real birth date."), code="birth_date") from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(_("Characters 7 to 14 are not a plausible birth date."), code="birth_date")
    if citizen_id_check_character(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of this citizen ID number is wrong."), code="check")
    return birth


def validate_for_kind(value: str, kind: str, *, field: str | None = None) -> datetime.date | None:
    """Validate ``value`` as the identifier a subject of ``kind`` must have.

    Returns the birth date for persons, None for organisations. With ``field`` the error is keyed
    to that field, so forms and the API name it.
    """
    try:
        if kind in PERSON_KINDS:
            return validate_citizen_id(value)
        validate_uscc(value)
        return None
    except ValidationError as exc:
        if field:
            raise ValidationError({field: exc.error_list}) from None
        raise


# USCC characters 1-2 (registration authority and organisation category, GB 32100-2015) of
# individual businesses and of the legal persons among organisations: 机关, 事业单位, 群众团体 (11-13),
# 社会团体, 民办非企业单位, 基金会 (51-53), 企业 (91), 农民专业合作社 (93). Any other code is an
# unincorporated organisation (branches, law firms, ...).
USCC_INDIVIDUAL_BUSINESS = {"92"}
USCC_LEGAL_PERSON = {"11", "12", "13", "51", "52", "53", "91", "93"}


def organisation_kind_from_uscc(value: str) -> str:
    """The subject kind a USCC's characters 1-2 give (the national 双公示 category 法人及非法人组织)."""
    head = normalise(value)[:2]
    if head in USCC_INDIVIDUAL_BUSINESS:
        return "individual_business"
    return "legal_person" if head in USCC_LEGAL_PERSON else "other_org"


def mask_identifier(value: str) -> str:
    """For public pages: at most the first 6 and last 4 characters are shown."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_person_name(name: str) -> str:
    """``张三丰`` → ``张**``: only the family name shows."""
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)
