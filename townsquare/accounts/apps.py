from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.accounts"
    label = "accounts"

    def ready(self) -> None:
        from townsquare.accounts import checks  # noqa: F401  (registers the deploy checks)
