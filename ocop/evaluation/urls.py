from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("viec-can-lam/", views.queue, name="queue"),
    path("ho-so/", views.dossier_list, name="dossier_list"),
    path("ho-so/dang-ky/<str:product_pid>/", views.dossier_create, name="dossier_create"),
    path("ho-so/<str:pid>/", views.dossier_detail, name="dossier_detail"),
    path("ho-so/<str:pid>/minh-chung/<int:eid>/", views.evidence_file, name="evidence_file"),
    path("ho-so/<str:pid>/tu-danh-gia/", views.self_assessment, name="self_assessment"),
    path("ho-so/<str:pid>/cham/", views.score_sheet, name="score_sheet"),
    path("ho-so/<str:pid>/<str:action>/", views.dossier_action, name="dossier_action"),
    path("dot/", views.round_list, name="round_list"),
    path("dot/<str:pid>/", views.round_detail, name="round_detail"),
    path("dot/<str:pid>/<str:doc>.<str:fmt>", views.round_document, name="round_document"),
    path("chung-nhan/<str:number>/thu-hoi/", views.certificate_revoke, name="certificate_revoke"),
]
