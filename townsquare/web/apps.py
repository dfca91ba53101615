from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.web"
    label = "web"

    def ready(self) -> None:
        from townsquare.web import ids  # noqa: F401  (registers the bounded integer ``__in`` lookup)
