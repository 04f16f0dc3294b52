"""The API's documentation pages, with drf-spectacular-sidecar's local assets only (no CDN)."""
from functools import cache
from pathlib import Path

from django.template import engines
from drf_spectacular.views import SpectacularRedocView
from rest_framework.renderers import TemplateHTMLRenderer

REDOC_TEMPLATE = Path(__file__).parent / "templates" / "redoc.html"


@cache
def _redoc_template():
    return engines["django"].from_string(REDOC_TEMPLATE.read_text())


class _LocalRedocRenderer(TemplateHTMLRenderer):
    def resolve_template(self, template_names):
        # The stock template links Google Fonts; ours extends it without them.
        return _redoc_template()


class RedocView(SpectacularRedocView):
    renderer_classes = [_LocalRedocRenderer]
