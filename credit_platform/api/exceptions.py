"""One mapping from domain errors to HTTP answers (placeholder, completed with the API base)."""
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    return drf_exception_handler(exc, context)
