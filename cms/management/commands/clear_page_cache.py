from django.core.management.base import BaseCommand

from core.page_cache import bump_generation


class Command(BaseCommand):
    help = "使公开页面缓存全部失效（部署修改了模板或译文后运行）"

    def handle(self, *args, **options):
        bump_generation()
        self.stdout.write("public page cache cleared")
