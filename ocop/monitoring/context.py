"""Template context: the number of unread reminders for the header (one indexed count per page)."""

from .models import Reminder


def reminders(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_reminders": Reminder.objects.filter(user=user, read_at=None).count()}
