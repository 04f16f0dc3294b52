"""Filters every app's API shares."""
from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: an integer (documented ``integer``, never ``number``); ``1.5`` is a 400."""

    field_class = forms.IntegerField
