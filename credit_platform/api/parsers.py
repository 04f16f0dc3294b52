"""The API's JSON parser: DRF's, refusing documents nested deeper than any request of ours needs,
and strings holding a NUL character.

Python's ``json`` recurses once per level: a body of a thousand ``[`` raised ``RecursionError``
(500) on every POST, the anonymous ones included. PostgreSQL stores and compares no string with a
NUL (``"\u0000"``): a look-up by such a value (a department code, a memorandum code) was a 500.
"""
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _too_deep(data, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _has_nul(data) -> bool:
    """Whether any string of the (already depth-checked) document, keys included, holds a NUL."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON nested too deeply.")) from None
        if _too_deep(data, MAX_DEPTH):
            raise ParseError(_("JSON nested too deeply (at most %(depth)d levels).") % {"depth": MAX_DEPTH})
        if _has_nul(data):
            raise ParseError(_("The request holds a NUL character, which no field accepts."))
        return data
