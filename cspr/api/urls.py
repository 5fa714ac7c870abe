from django.urls import path

from cspr.api.views import api

urlpatterns = [
    path("v1/", api.urls),
]
