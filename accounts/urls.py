from django.urls import path

from . import account_views, views

app_name = "accounts"
urlpatterns = [
    path("register/", views.RegisterChooseView.as_view(), name="register"),
    path("register/guide/", views.UserTypeGuideView.as_view(), name="user_type_guide"),
    path("register/done/", views.RegisterDoneView.as_view(), name="register_done"),
    *[
        path(f"register/{kind}/", views.RegisterView.as_view(), {"kind": kind}, name=f"register_{kind}")
        for kind in views.REGISTRATION_FORMS
    ],
    path("login/", views.LoginView.as_view(), name="login"),
    path("region/", views.CompleteRegionView.as_view(), name="complete_region"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("sms/send/", views.send_sms_code, name="send_sms_code"),
    path("regions/<str:code>/", views.region_children, name="region_children"),
    # 账号信息 (我的办事 → 账号信息): accounts/account_views.py
    path("profile/", account_views.AccountView.as_view(), name="account"),
    path("profile/mobile/", account_views.MobileView.as_view(), name="account_mobile"),
    path("profile/password/", account_views.PasswordView.as_view(), name="account_password"),
]
