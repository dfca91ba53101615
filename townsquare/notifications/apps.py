from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.notifications"
    label = "notifications"
