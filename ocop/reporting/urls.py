from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("bao-cao.<str:fmt>", views.report, name="report"),
    path("bang/<str:key>.<str:fmt>", views.table, name="table"),
    path("chi-tieu/", views.targets, name="targets"),
    path("ket-qua/", views.outcomes, name="outcomes"),
    path("ket-qua/<str:pid>/", views.outcomes, name="producer_outcomes"),
]
