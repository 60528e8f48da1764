from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("san-pham/", views.product_list, name="product_list"),
    path("san-pham/them/", views.product_edit, name="product_create"),
    path("san-pham/<str:pid>/", views.product_detail, name="product_detail"),
    path("san-pham/<str:pid>/sua/", views.product_edit, name="product_edit"),
    path("san-pham/<str:pid>/anh-gian-hang/", views.product_media, name="product_media"),
    path("san-pham/xuat.<str:fmt>", views.product_export, name="product_export"),
    path("chu-the/xuat.<str:fmt>", views.producer_export, name="producer_export"),
    path("nhap/", views.import_upload, name="import"),
    path("nhap/<str:token>/", views.import_job, name="import_job"),
    path("nhap/mau.<str:fmt>", views.import_template, name="import_template"),
    path("chu-the/", views.producer_list, name="producer_list"),
    path("chu-the/them/", views.producer_edit, name="producer_create"),
    path("chu-the/<str:pid>/", views.producer_detail, name="producer_detail"),
    path("chu-the/<str:pid>/sua/", views.producer_edit, name="producer_edit"),
]
