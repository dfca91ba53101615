from django.urls import path

from townsquare.archive import api, manage_views, views

app_name = "archive"
BASE = "c/<slug:slug>/archive/"
API = "api/councils/<slug:slug>/archive/"
urlpatterns = [
    path(BASE, views.search, name="search"),
    path(BASE + "<int:pk>/", views.record, name="record"),
    path(BASE + "retention/", manage_views.retention, name="retention"),
    path(BASE + "disposal/", manage_views.disposal, name="disposal"),
    path(BASE + "holds/", manage_views.holds, name="holds"),
    path(BASE + "holds/<int:pk>/release/", manage_views.hold_release, name="hold_release"),
    path(API, api.ArchiveListView.as_view(), name="api_list"),
    path(API + "<int:pk>/", api.ArchiveRecordView.as_view(), name="api_record"),
]
