from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.listening"
    label = "listening"
    verbose_name = "Listening queries"
