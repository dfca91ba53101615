from django.urls import path

from townsquare.councils import views

app_name = "councils"
urlpatterns = [
    path("c/<slug:slug>/people/", views.people, name="people"),
    path("c/<slug:slug>/people/<int:pk>/remove/", views.revoke, name="revoke"),
    path("c/<slug:slug>/settings/", views.council_settings, name="settings"),
]
