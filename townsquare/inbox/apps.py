from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from townsquare.inbox import replies  # noqa: F401  (connects to the dispatch's "published" signal)
