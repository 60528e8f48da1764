from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-nhap/ma-xac-thuc/", views.second_factor, name="second_factor"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("xac-thuc-hai-lop/", views.two_factor, name="two_factor"),
    path("xac-thuc-hai-lop/ma-khoi-phuc/", views.recovery_codes, name="recovery_codes"),
    path("quen-mat-khau/", views.PasswordReset.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetDone.as_view(), name="password_reset_done"),
    path(
        "quen-mat-khau/<str:uidb64>/<str:token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("quen-mat-khau/xong/", views.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("khoa-api/", views.tokens, name="tokens"),
    path("khoa-api/<str:prefix>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
