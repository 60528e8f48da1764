"""The application's URLs plus the baseline: a minimal Django view returning a constant."""

from django.http import HttpResponse
from django.urls import path

from ocop.urls import urlpatterns as app_urls


def constant(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/constant", constant), *app_urls]
