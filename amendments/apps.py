from django.apps import AppConfig


class AmendmentsConfig(AppConfig):
    name = "amendments"
    verbose_name = "Amendments and review"
