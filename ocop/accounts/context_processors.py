from .permissions import profile_of


def role(request):
    return {"ocop_profile": profile_of(request.user)}
