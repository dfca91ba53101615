from django.urls import path

from townsquare.web import health, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("c/<slug:slug>/", views.council_home, name="council_home"),
]
