from django.urls import path

from townsquare.accounts import two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.enter_code, name="enter_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/two-factor/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("account/", views.account, name="account"),
]
