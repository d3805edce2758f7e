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
    path("session/keepalive/", views.session_keepalive_view, name="session_keepalive"),
    path("users/<int:user_id>/unmask/", views.personal_data_unmask_view, name="personal_data_unmask"),
    path("mfa/", views_mfa.mfa_verify_view, name="mfa_verify"),
    path("mfa/enrol/", views_mfa.mfa_enrol_view, name="mfa_enrol"),
    path("mfa/recovery/", views_mfa.mfa_recovery_view, name="mfa_recovery"),
    path("mfa/reset/", views_mfa.mfa_reset_view, name="mfa_reset"),
]
