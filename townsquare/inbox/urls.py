from django.urls import path

from townsquare.inbox import api, views

app_name = "inbox"
BASE = "c/<slug:slug>/inbox/"
API = "api/councils/<slug:slug>/inbox/"
urlpatterns = [
    path(BASE, views.inbox, name="inbox"),
    path(BASE + "<int:pk>/", views.item, name="item"),
    path(BASE + "<int:pk>/assign/", views.assign, name="assign"),
    path(BASE + "<int:pk>/status/", views.status, name="status"),
    path(BASE + "<int:pk>/notes/", views.note, name="note"),
    path(BASE + "<int:pk>/tags/", views.tag, name="tag"),
    path(API, api.InboxListView.as_view(), name="api_list"),
    path(API + "<int:pk>/", api.InboxItemView.as_view(), name="api_item"),
]
