from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.disclosure"
    label = "disclosure"
    verbose_name = "Requests under the law"
