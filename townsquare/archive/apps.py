from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.archive"
    label = "archive"
    verbose_name = "Archive"

    def ready(self) -> None:
        from townsquare.jobs.registry import register
        from townsquare.jobs.schedule import every

        register("archive.reread", "townsquare.archive.jobs.reread")
        register("archive.dispose", "townsquare.archive.jobs.dispose")
        # Edits and deletions made on the platform itself are found by reading each channel's recent posts again.
        every("archive.reread", 3600)
        every("archive.dispose", 86400)
