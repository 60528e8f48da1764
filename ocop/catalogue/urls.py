from django.urls import path

from . import views, work_views

app_name = "catalogue"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("san-pham/<str:pid>/", views.product_page, name="product"),
    path("chu-the/<str:pid>/", views.producer_page, name="producer"),
    path("tinh/", views.province_list, name="provinces"),
    path("tinh/<str:code>/", views.province_page, name="province"),
    path("diem-ban/", views.sales_points, name="sales_points"),
    path("diem-ban/<str:pid>/", views.sales_point, name="sales_point"),
    path("hoi-cho/", views.fair_list, name="fairs"),
    path("hoi-cho/<str:pid>/", views.fair_page, name="fair"),
    path("du-lieu-mo/", views.open_data, name="open_data"),
    path("du-lieu-mo/san-pham-ocop.<str:fmt>", views.open_products, name="open_products"),
    path("du-lieu-mo/diem-ban-ocop.<str:fmt>", views.open_sales_points, name="open_sales_points"),
]

# Back office: fairs, e-commerce coverage and the marketplace feed (mounted under /quan-ly/xuc-tien/).
work_urlpatterns = (
    [
        path("", work_views.coverage, name="coverage"),
        path("nguon-san-pham.<str:fmt>", work_views.feed, name="feed"),
        path("hoi-cho/", work_views.fair_list, name="fair_list"),
        path("hoi-cho/them/", work_views.fair_edit, name="fair_create"),
        path("hoi-cho/<str:pid>/", work_views.fair_edit, name="fair_edit"),
    ],
    "promotion",
)
