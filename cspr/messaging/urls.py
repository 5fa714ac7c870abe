from django.urls import path

from cspr.messaging import views

app_name = "messaging"

urlpatterns = [
    path("undeliverable/", views.undeliverable, name="undeliverable"),
]
