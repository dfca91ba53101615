from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.measures"
    label = "measures"
    verbose_name = "Measures"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("measures.inbox_refresh", "townsquare.measures.jobs.inbox_refresh")
        # Every five minutes: the inbox's summaries follow new items and status changes closely.
        every("measures.inbox_refresh", 300)
