"""Data generation for `make bench` (`manage.py bench_data`): templates made through the real
services and actions, cloned in bulk."""
