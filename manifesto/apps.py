from django.apps import AppConfig


class ManifestoConfig(AppConfig):
    name = "manifesto"
    verbose_name = "Manifesto text"
