from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.channels"
    label = "channels"
