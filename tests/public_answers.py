"""What a public filing answers, in a form two answers can be compared by: the status and the body,
with the CSRF token and what the filer typed (echoed back into the form) taken out."""
import re

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
VALUES = re.compile(r' value="[^"]*"')
TEXTAREAS = re.compile(r"(<textarea[^>]*>)[^<]*(</textarea>)")


def api_answer(response) -> tuple[int, bytes]:
    return response.status_code, response.content


def page_answer(response) -> tuple[int, str]:
    page = CSRF.sub("", response.content.decode())
    page = TEXTAREAS.sub(r"\1\2", VALUES.sub("", page))
    return response.status_code, page
