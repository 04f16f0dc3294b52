"""Template context shared by every page."""
from django.utils.functional import SimpleLazyObject

from credit_platform.notifications import unread_count_for


def notifications(request) -> dict:
    """``unread_notifications``: the staff user's unread count, queried only if a template uses it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count_for(user))}
