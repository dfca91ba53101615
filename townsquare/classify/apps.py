from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.classify"
    label = "classify"
    verbose_name = "Classification of received messages"
