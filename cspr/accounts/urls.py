from django.urls import path

from cspr.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("timed-out/", views.timed_out, name="timed-out"),
    path("access-removed/", views.access_removed, name="access-removed"),
    path("second-factor/", views.second_factor, name="second-factor"),
    path("second-factor/recovery-code/", views.second_factor_recovery, name="second-factor-recovery"),
    path("second-factor/set-up/", views.second_factor_set_up, name="second-factor-set-up"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("session/", views.session_status, name="session-status"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("password/", views.password_change_page, name="password-change"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("password-reset/done/", views.password_reset_done, name="password-reset-done"),
    path("password-reset/<str:uidb64>/set-password/", views.password_reset_set, name="password-reset-set"),
    path("password-reset/<str:uidb64>/<str:token>/", views.password_reset_link, name="password-reset-link"),
]
