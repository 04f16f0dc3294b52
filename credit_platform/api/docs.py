"""The API's documentation pages, with drf-spectacular-sidecar's local assets only (no CDN)."""
from functools import cache
from pathlib import Path

from django.template import engines
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
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


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: the same contract in every language. Titles, operation ids and component
    names become a generated client's identifiers (``title: 状态`` would make a class
    ``V1AssignmentsList状态``): the schema is generated in English whatever the request's language."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            # Lazy translations are resolved when the answer renders: render it in English too.
            return response.render() if hasattr(response, "render") else response
