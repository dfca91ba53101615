from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.learning"
    label = "learning"
    verbose_name = "E-learning"
