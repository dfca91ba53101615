from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.measures"
    label = "measures"
    verbose_name = "Measures"
