from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.connectors"
    label = "connectors"
    verbose_name = "Platform connections"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("connectors.poll_inbound", "townsquare.connectors.jobs.poll_inbound")
        register("connectors.fetch_metrics", "townsquare.connectors.jobs.fetch_metrics")
        register("connectors.refresh_credentials", "townsquare.connectors.jobs.refresh_credentials")
        every("connectors.poll_inbound", 120)
        every("connectors.fetch_metrics", 24 * 3600)
        every("connectors.refresh_credentials", 3600)
