from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.accounts"
    label = "accounts"
