from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.api"
    label = "api"
