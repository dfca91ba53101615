from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.listening"
    label = "listening"
    verbose_name = "Listening queries"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("listening.spikes", "townsquare.listening.spikes.spikes_job")
        register("listening.search", "townsquare.listening.sources.search_job")
        # A spike is news within the hour; every ten minutes finds one soon after it starts.
        every("listening.spikes", 600)
        every("listening.search", 300)
