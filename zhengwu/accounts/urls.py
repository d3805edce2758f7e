from django.urls import path

from . import views
from .views import second_factor as views_mfa

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("me/", views.me_view, name="me"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/reset/", views.password_reset_request_view, name="password_reset"),
    path("password/reset/confirm/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("privacy/", views.privacy_view, name="privacy"),
    path("privacy/consent/", views.privacy_consent_view, name="privacy_consent"),
    path("me/data/", views.personal_data_download_view, name="personal_data_download"),
    path("close/", views.account_close_view, name="close"),
    path("session/keepalive/", views.session_keepalive_view, name="session_keepalive"),
    path("users/<int:user_id>/unmask/", views.personal_data_unmask_view, name="personal_data_unmask"),
    path("mfa/", views_mfa.mfa_verify_view, name="mfa_verify"),
    path("mfa/enrol/", views_mfa.mfa_enrol_view, name="mfa_enrol"),
    path("mfa/recovery/", views_mfa.mfa_recovery_view, name="mfa_recovery"),
    path("mfa/reset/", views_mfa.mfa_reset_view, name="mfa_reset"),
]
