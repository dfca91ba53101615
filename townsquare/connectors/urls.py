from django.urls import path

from townsquare.connectors import api, views

app_name = "connectors"
urlpatterns = [
    path("c/<slug:slug>/channels/<int:pk>/connection/connect/", views.connect, name="connect"),
    path("c/<slug:slug>/channels/<int:pk>/connection/disconnect/", views.disconnect, name="disconnect"),
    path("connections/oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("api/councils/<slug:slug>/channels/<int:pk>/connection/", api.ConnectionView.as_view(), name="api_connection"),
]
