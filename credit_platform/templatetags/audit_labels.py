from django import template

from credit_platform.audit_labels import action_label, state_label

register = template.Library()


@register.filter
def audit_action(code):
    return action_label(code or "")


@register.filter
def audit_state(code):
    return state_label(code or "")
