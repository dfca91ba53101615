from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.demo"
    label = "demo"
