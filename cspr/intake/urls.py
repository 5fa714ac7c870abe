"""Report a serious incident: /cases/notify/… (names in the "notify" namespace; access in cspr.core.policy)."""

from cspr.intake import views

app_name = "notify"

urlpatterns = views.routes.urlpatterns()
