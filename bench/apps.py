from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`make bench` only (portal.settings.bench): data generation, the trivial view, query counts.
    Never installed in production settings."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmark"
