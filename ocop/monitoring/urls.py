from django.urls import path

from . import views, work_views

app_name = "monitoring"
urlpatterns = [
    path("", views.watch, name="watch"),
    path("dot/", work_views.campaign_list, name="campaigns"),
    path("dot/<str:pid>/", work_views.campaign_detail, name="campaign"),
    path("dot/<str:pid>/them/", work_views.campaign_add, name="campaign_add"),
    path("kiem-tra/<str:pid>/", work_views.inspection, name="inspection"),
    path("phat-hien/", work_views.finding_list, name="findings"),
    path("phat-hien/<str:pid>/", work_views.finding_detail, name="finding"),
    path("phat-hien/<str:pid>/anh/<int:photo_id>/", work_views.finding_photo, name="finding_photo"),
    path("phat-hien/<str:pid>/<str:action>/", work_views.finding_action, name="finding_action"),
    path("diem-ban/", work_views.sales_point_list, name="sales_points"),
    path("diem-ban/<str:pid>/", work_views.sales_point_detail, name="sales_point"),
    path("nhac-viec/", work_views.reminder_list, name="reminders"),
    path("nhac-viec/da-doc/", work_views.reminder_read, name="reminders_read"),
]
