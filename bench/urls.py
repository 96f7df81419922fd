from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The framework's limit on this machine: the whole middleware stack and nothing else."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("portal.urls")),
]
