from django.urls import path

from . import views

app_name = "traceability"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("dot/<str:bid>/", views.batch_detail, name="batch_detail"),
    path("dot/<str:bid>/url.txt", views.batch_urls, name="batch_urls"),
    path("dot/<str:bid>/nhan.pdf", views.batch_labels, name="batch_labels"),
    path("lo/", views.lot_list, name="lot_list"),
    path("lo/<str:lid>/", views.lot_detail, name="lot_detail"),
    path("canh-bao/", views.alert_list, name="alert_list"),
    path("canh-bao/<str:aid>/dong/", views.alert_close, name="alert_close"),
]
