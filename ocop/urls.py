from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from ocop.catalogue import urls as catalogue_urls
from ocop.core import views as core_views
from ocop.evaluation import views as evaluation_views
from ocop.traceability import public as stamp_views

from .api import api

urlpatterns = [
    # What a stamp's QR encodes: the short link and the GS1 Digital Link (GTIN-14 first). First in the list:
    # it is the most requested page, and URL resolution walks the patterns in order.
    re_path(r"^t/(?P<path>.*)$", stamp_views.scan, name="stamp_scan"),
    re_path(r"^01/(?P<path>.*)$", stamp_views.scan, name="stamp_scan_gs1"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ngon-ngu/<str:code>/", core_views.language, name="language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("ocop.accounts.urls")),
    # The back office's address on its own opens where a login lands.
    path("quan-ly/", RedirectView.as_view(pattern_name=settings.LOGIN_REDIRECT_URL), name="back_office"),
    path("quan-ly/", include("ocop.registry.urls")),
    path("quan-ly/danh-gia/", include("ocop.evaluation.urls")),
    path("quan-ly/tem/", include("ocop.traceability.urls")),
    path("quan-ly/giam-sat/", include("ocop.monitoring.urls")),
    path("kiem-tra-tem/", stamp_views.check, name="stamp_check"),
    path("kiem-tra-tem/bao-gia/", stamp_views.report, name="stamp_report"),
    path("kiem-tra-tem/vi-tri/", stamp_views.locate, name="stamp_locate"),
    path("chung-nhan/<str:number>/", evaluation_views.certificate_public, name="certificate"),
    path("chung-nhan/<str:number>/pdf", evaluation_views.certificate_pdf, name="certificate_pdf"),
    path("quan-ly/xuc-tien/", include(catalogue_urls.work_urlpatterns)),
    path("quan-ly/thong-ke/", include("ocop.reporting.urls")),
    path("", include("ocop.catalogue.urls")),
]

# Django's own refusals (a body too big, a broken upload, a session ended mid-request) in Vietnamese, in
# the site's page or the API's JSON. The 403, 404 and 500 pages are the templates of the same names.
handler400 = "ocop.core.views.bad_request"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
