from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.inbox"
    label = "inbox"
    verbose_name = "Inbox"
