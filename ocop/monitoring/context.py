"""Template context: the number of unread reminders for the header (one indexed count per page), and
whether the user works on inspections (the monitoring tabs they are shown)."""

from ocop.accounts.permissions import profile_of

from .access import WATCH_ROLES
from .models import Reminder


def reminders(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_reminders": Reminder.objects.filter(user=user, read_at=None).count(),
        "inspects": getattr(profile_of(user), "role", None) in WATCH_ROLES,
    }
