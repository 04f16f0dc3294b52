"""The information catalogue's rules on the fields a record type may carry (征信业管理条例 第十四条).

- Forbidden categories (RULES.md "Personal information"): religion, genes, fingerprints, blood type,
  illness, medical history — never collected; a field naming one is refused.
- Consent categories: income, deposits, securities, commercial insurance, real estate, tax amount —
  only with the subject's written consent: a type carrying such a field must need consent.

A category matches a field's ``name`` or ``label`` as a *whole term* (DESIGN.md "Contract details"):
- English: the term's words as whole words (``blood_type``, ``BloodType``, ``Blood type``,
  ``fingerprints``; not ``general`` for gene);
- Chinese: a run of Chinese characters that is the term, optionally with a generic head noun after
  it (``血型信息``) or a prefix saying whose it is (``申请人血型``); so ``转基因`` (a licence for
  genetically modified organisms) or ``宗教活动场所`` (a place of worship's registration) pass.
"""
import re

from django.utils.translation import gettext as _

FORBIDDEN = (
    ("宗教信仰", "religion"),
    ("基因", "gene"),
    ("指纹", "fingerprint"),
    ("血型", "blood type"),
    ("疾病", "illness"),
    ("病史", "medical history"),
)
CONSENT = (
    ("收入", "income"),
    ("存款", "deposits"),
    ("有价证券", "securities"),
    ("商业保险", "insurance"),
    ("不动产", "real estate"),
    ("纳税数额", "tax amount"),
)
LEGAL_BASIS = "征信业管理条例 第十四条"

# Words that only say whose, or what sort of record, the category is: they do not change it.
_CJK_PREFIXES = ("个人", "本人", "申请人", "当事人", "法定代表人", "负责人", "员工", "职工", "从业人员", "人员", "家族", "家庭")
_CJK_SUFFIXES = ("信息", "数据", "资料", "情况", "状况", "记录", "类型", "类别", "证明", "号码", "编号", "特征", "样本", "图像", "采集")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _english_words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", _CAMEL.sub(" ", text).lower()).split()


def _english_match(words: list[str], term: str) -> bool:
    wanted = term.split()
    size = len(wanted)
    for start in range(len(words) - size + 1):
        window = words[start:start + size]
        *head, last = window
        if head == wanted[:-1] and last in (wanted[-1], wanted[-1] + "s", wanted[-1] + "es"):
            return True
    return False


def _chinese_match(runs: list[str], term: str) -> bool:
    for run in runs:
        for prefix in ("", *_CJK_PREFIXES):
            if not run.startswith(prefix + term):
                continue
            rest = run[len(prefix) + len(term):]
            if rest == "" or rest in _CJK_SUFFIXES:
                return True
    return False


def matching_category(text: str, categories) -> tuple[str, str] | None:
    """The first ``(chinese, english)`` category of ``categories`` that ``text`` names as a whole term, or None."""
    text = str(text or "")
    words, runs = _english_words(text), _CJK_RUN.findall(text)
    for chinese, english in categories:
        if _chinese_match(runs, chinese) or _english_match(words, english):
            return chinese, english
    return None


def forbidden_category(text: str) -> tuple[str, str] | None:
    return matching_category(text, FORBIDDEN)


def consent_category(text: str) -> tuple[str, str] | None:
    return matching_category(text, CONSENT)


def forbidden_message(value: str, category: tuple[str, str]) -> str:
    return _(
        "“%(value)s” names %(category)s, which may never be collected (%(basis)s; RULES.md “Personal information”)."
    ) % {"value": value, "category": f"{category[0]} / {category[1]}", "basis": LEGAL_BASIS}


def consent_message(value: str, category: tuple[str, str]) -> str:
    return _(
        "“%(value)s” names %(category)s, collected only with the subject's written consent (%(basis)s): "
        "tick “needs consent” for this type."
    ) % {"value": value, "category": f"{category[0]} / {category[1]}", "basis": LEGAL_BASIS}


FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
FIELD_LABEL_MAX = 100
FIELDS_MAX = 50
# The names of a record's own columns: a type's extra field may not shadow them.
RESERVED_NAMES = frozenset({
    "identifier", "name", "kind", "subject", "subject_kind", "record_type", "department", "decision_number", "decided_on",
    "severity", "domain", "basis", "valid_until", "consent_reference", "state", "content", "publish",
})


def fields_errors(fields, *, needs_consent: bool) -> list[str]:
    """Why the type's ``fields`` (a list of ``{"name", "label", "required"}``) cannot be saved; empty when they can."""
    if not isinstance(fields, list):
        return [_("Enter the fields as a list of {\"name\", \"label\", \"required\"} objects.")]
    errors: list[str] = []
    if len(fields) > FIELDS_MAX:
        errors.append(_("A record type carries at most %(n)d fields.") % {"n": FIELDS_MAX})
    seen: set[str] = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or set(field) - {"name", "label", "required"}:
            errors.append(_("Field %(n)d: give only “name”, “label” and “required”.") % {"n": position})
            continue
        name, label, required = field.get("name"), field.get("label"), field.get("required", False)
        # The categories first: a forbidden field is refused for what it names, whatever its form.
        texts = [value for value in (name, label) if isinstance(value, str)]
        named = [(value, forbidden_category(value)) for value in texts]
        forbidden = [(value, category) for value, category in named if category]
        if forbidden:
            errors.append(forbidden_message(*forbidden[0]))
            continue
        if not needs_consent:
            consent = [(value, consent_category(value)) for value in texts]
            consent = [(value, category) for value, category in consent if category]
            if consent:
                errors.append(consent_message(*consent[0]))
        if not isinstance(name, str) or not FIELD_NAME_RE.match(name):
            errors.append(_("Field %(n)d: the name is lower-case letters, digits and _ (at most 64), starting with a letter.") % {"n": position})
            continue
        if name in RESERVED_NAMES:
            errors.append(_("Field %(n)d: “%(name)s” is a column of every record; choose another name.") % {"n": position, "name": name})
        if name in seen:
            errors.append(_("Field %(n)d: the name “%(name)s” is used twice.") % {"n": position, "name": name})
        seen.add(name)
        if not isinstance(label, str) or not label.strip() or len(label) > FIELD_LABEL_MAX:
            errors.append(_("Field %(n)d: give a label of at most %(max)d characters.") % {"n": position, "max": FIELD_LABEL_MAX})
        if not isinstance(required, bool):
            errors.append(_("Field %(n)d: “required” is true or false.") % {"n": position})
    return errors


CONTENT_VALUE_MAX = 2000


def content_errors(fields, content) -> dict[str, list[str]]:
    """Why a record's ``content`` does not fit its type's ``fields`` (by field name); empty when it does.

    Only the type's fields are accepted (nothing else can be collected), each a text or a number.
    """
    if content in (None, ""):
        content = {}
    if not isinstance(content, dict):
        return {"content": [_("Give the content as an object of the type's fields.")]}
    declared = {field["name"]: field for field in fields or [] if isinstance(field, dict) and "name" in field}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(content) - set(declared))
    if unknown:
        errors["content"] = [_("Not a field of this record type: %(names)s.") % {"names": ", ".join(map(str, unknown))}]
    for name, field in declared.items():
        value = content.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.get("required"):
                errors.setdefault("content", []).append(_("“%(label)s” (%(name)s) is required.") % {"label": field.get("label", name), "name": name})
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            errors.setdefault("content", []).append(_("“%(name)s”: give a text or a number.") % {"name": name})
        elif isinstance(value, str) and (len(value) > CONTENT_VALUE_MAX or "\x00" in value):
            errors.setdefault("content", []).append(
                _("“%(name)s”: at most %(max)d characters.") % {"name": name, "max": CONTENT_VALUE_MAX}
            )
    return errors


def content_clean(fields, content) -> dict:
    """The content kept: the type's fields given, texts trimmed, empty ones left out (check ``content_errors`` first)."""
    kept = {}
    for field in fields or []:
        value = (content or {}).get(field["name"])
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, ""):
            kept[field["name"]] = value
    return kept
