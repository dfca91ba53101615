from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from townsquare.jobs.registry import register

        register("alerts.deliver", "townsquare.alerts.jobs.deliver")
