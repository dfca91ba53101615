from django.urls import path

from townsquare.channels import views

app_name = "channels"
urlpatterns = [
    path("c/<slug:slug>/channels/", views.register, name="register"),
    path("c/<slug:slug>/channels/new/", views.channel_edit, name="new"),
    path("c/<slug:slug>/channels/export.csv", views.export_csv, name="export"),
    path("c/<slug:slug>/channels/import/", views.import_csv, name="import"),
    path("c/<slug:slug>/channels/rationalisation/", views.rationalisation, name="rationalisation"),
    path("c/<slug:slug>/channels/<int:pk>/", views.channel_detail, name="detail"),
    path("c/<slug:slug>/channels/<int:pk>/edit/", views.channel_edit, name="edit"),
]
