from django.urls import path

from townsquare.listening import api, trigger_views, views

app_name = "listening"
L = "c/<slug:slug>/listening/"
urlpatterns = [
    path(L, views.query_list, name="list"),
    path(L + "add/", views.query_add, name="add"),
    path(L + "<int:pk>/", views.query_edit, name="edit"),
    path(L + "<int:pk>/delete/", views.query_delete, name="delete"),
    path("api/councils/<slug:slug>/listening/queries/", api.ListeningQueryListView.as_view(), name="api_queries"),
    path("api/councils/<slug:slug>/listening/match/", api.ListeningMatchView.as_view(), name="api_match"),
]
urlpatterns += [
    path(L + "triggers/", trigger_views.trigger_list, name="triggers"),
    path(L + "triggers/add/", trigger_views.trigger_add, name="trigger_add"),
    path(L + "triggers/<int:pk>/", trigger_views.trigger_change, name="trigger_change"),
]
