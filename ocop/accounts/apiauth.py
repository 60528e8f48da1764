"""API authentication: `Authorization: Bearer ocop_…` for integrations, else the browser session (with
its CSRF check). A key acts as its owner, with the owner's region scope."""

from ninja.security import HttpBearer, django_auth

from . import services


class ApiTokenAuth(HttpBearer):
    openapi_description = "Khóa API: Authorization: Bearer ocop_XXXXXXXX_…"

    def authenticate(self, request, token):
        user = services.token_authenticate(token, method=request.method)
        request.user = user  # the endpoints read request.user as well as request.auth
        return user


api_auth = [ApiTokenAuth(), django_auth]
