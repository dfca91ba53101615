from django.urls import path

from townsquare.measures import api, report_views, target_views, views

app_name = "measures"
M = "c/<slug:slug>/measures/"
urlpatterns = [
    path(M, views.dashboard, name="dashboard"),
    path(M + "import/", views.import_page, name="import"),
    path(M + "targets/", target_views.targets_page, name="targets"),
    path(M + "feed.csv", api.feed_csv, name="feed_csv"),
    path("api/councils/<slug:slug>/measures/", api.MeasureFeedView.as_view(), name="api_measures"),
    path(M + "reports/", report_views.reports_list, name="reports"),
    path(M + "reports/<int:pk>/", report_views.report_detail, name="report"),
    path(M + "reports/<int:pk>/report.<str:kind>", report_views.report_file, name="report_file"),
]
