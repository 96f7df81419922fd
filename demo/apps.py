from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo accounts and applications (`manage.py load_demo`): installed by the dev, test and bench
    settings only, never by base or production."""

    name = "demo"
