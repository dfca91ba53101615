from django.apps import AppConfig


class Config(AppConfig):
    name = "townsquare.partners"
    label = "partners"
    verbose_name = "Partner councils"

    def ready(self) -> None:
        from townsquare.partners.sections import register_builtin_sections

        register_builtin_sections()
