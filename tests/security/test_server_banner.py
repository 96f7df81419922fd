"""Outside review finding 14 (docs/security.md): no `Server: gunicorn` banner (site/gunicorn.conf.py), and
the documented nginx configuration hides its version and gunicorn's header (docs/operations.md)."""

import re
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.http import wsgi

ROOT = Path(__file__).resolve().parents[2]


def gunicorn_headers():
    request = SimpleNamespace(version=(1, 1), should_close=lambda: True, method="GET")
    response = wsgi.Response(request, sock=None, cfg=SimpleNamespace())
    response.status = "200 OK"
    return response.default_headers()


def test_gunicorn_with_our_settings_sends_no_server_header(monkeypatch):
    # Restored after the test: this process is no gunicorn.
    monkeypatch.setattr(wsgi.Response, "default_headers", wsgi.Response.default_headers)
    assert any(line.startswith("Server: gunicorn") for line in gunicorn_headers())
    settings = runpy.run_path(str(ROOT / "site" / "gunicorn.conf.py"))
    runpy.run_path(str(ROOT / "site" / "gunicorn.conf.py"))  # read twice (a reload): still one wrapper
    headers = gunicorn_headers()
    assert headers[0] == "HTTP/1.1 200 OK\r\n" and any(line.startswith("Date: ") for line in headers)
    assert not [line for line in headers if line.lower().startswith("server:")]
    assert settings["wsgi_app"] == "portal.wsgi:application"


def test_the_documented_nginx_configuration_hides_the_server_software():
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    nginx = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    assert "server_tokens off;" in nginx
    assert "proxy_hide_header Server;" in nginx
