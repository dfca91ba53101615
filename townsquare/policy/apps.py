from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.policy"
    label = "policy"
    verbose_name = "Policy checks"
