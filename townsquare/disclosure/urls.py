from django.urls import path

from townsquare.disclosure import api, review_views, views

app_name = "disclosure"
BASE = "c/<slug:slug>/requests/"
ONE = BASE + "<int:pk>/"
API = "api/councils/<slug:slug>/requests/"
urlpatterns = [
    path(BASE, views.register, name="register"),
    path(BASE + "new/", views.open_request, name="open"),
    path(BASE + "from-inbox/<int:item_pk>/", views.open_from_item, name="open_from_item"),
    path(ONE, views.request_page, name="request"),
    path(ONE + "requester/", views.requester, name="requester"),
    path(ONE + "search/", views.search, name="search"),
    path(ONE + "officer/", views.officer, name="officer"),
    path(ONE + "extend/", views.extend, name="extend"),
    path(ONE + "close/", views.close, name="close"),
    path(ONE + "redactions/", review_views.review, name="review"),
    path(ONE + "redactions/propose/", review_views.propose, name="propose"),
    path(ONE + "redactions/decide/", review_views.decide, name="decide"),
    path(ONE + "redactions/add/", review_views.add, name="add"),
    path(ONE + "release/", review_views.release, name="release"),
    path(ONE + "releases/<int:release_pk>/", review_views.download, name="download"),
    path(API, api.RequestListView.as_view(), name="api_list"),
    path(API + "<int:pk>/", api.RequestDetailView.as_view(), name="api_request"),
]
