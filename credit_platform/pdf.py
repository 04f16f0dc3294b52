"""PDF documents (notices, reports): a Django template rendered to HTML, then to PDF by WeasyPrint.

Every document uses the fonts the servers install for Chinese (``templates/pdf/base.html``:
"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif); no network access (no external URL is fetched).
"""
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"PDF documents fetch nothing: {url}")


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of ``template_name`` rendered with ``context``."""
    return HTML(string=render_to_string(template_name, context), url_fetcher=_no_fetch).write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """``content`` shown in the browser (inline), saved under ``filename`` (ASCII)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
