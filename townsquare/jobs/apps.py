from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.jobs"
    label = "jobs"
