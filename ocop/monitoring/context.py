"""Template context: the number of unread reminders for the header (one indexed count per page), and
whether the user works on inspections or sees findings (the monitoring tabs they are shown)."""

from ocop.accounts.permissions import profile_of

from .access import FINDING_ROLES, WATCH_ROLES
from .models import Reminder


def reminders(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = getattr(profile_of(user), "role", None)
    return {
        "unread_reminders": Reminder.objects.filter(user=user, read_at=None).count(),
        "inspects": role in WATCH_ROLES,
        "sees_findings": role in FINDING_ROLES,
    }
