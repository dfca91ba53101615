from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.measures"
    label = "measures"
    verbose_name = "Measures"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("measures.inbox_refresh", "townsquare.measures.jobs.inbox_refresh")
        # Hourly, as a repair: the inbox keeps its summaries in step as it changes (inbox_live.py); this
        # recomputes the months that new items and status changes touched since the last run.
        every("measures.inbox_refresh", 3600)
