from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.audit"
    label = "audit"
