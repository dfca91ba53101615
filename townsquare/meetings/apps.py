from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.meetings"
    label = "meetings"
    verbose_name = "Meetings and live streams"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("meetings.refresh", "townsquare.meetings.jobs.refresh")
        # Hourly: democratic services change agendas and venues during the day; a feed is small.
        every("meetings.refresh", 3600)
