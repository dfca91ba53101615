from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.councils"
    label = "councils"
