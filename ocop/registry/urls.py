from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("san-pham/", views.product_list, name="product_list"),
    path("san-pham/them/", views.product_edit, name="product_create"),
    path("san-pham/<str:pid>/", views.product_detail, name="product_detail"),
    path("san-pham/<str:pid>/sua/", views.product_edit, name="product_edit"),
    path("chu-the/", views.producer_list, name="producer_list"),
    path("chu-the/them/", views.producer_edit, name="producer_create"),
    path("chu-the/<str:pid>/", views.producer_detail, name="producer_detail"),
    path("chu-the/<str:pid>/sua/", views.producer_edit, name="producer_edit"),
]
