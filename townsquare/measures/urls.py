from django.urls import path

from townsquare.measures import target_views, views

app_name = "measures"
M = "c/<slug:slug>/measures/"
urlpatterns = [
    path(M, views.dashboard, name="dashboard"),
    path(M + "import/", views.import_page, name="import"),
    path(M + "targets/", target_views.targets_page, name="targets"),
]
