from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.web"
    label = "web"
