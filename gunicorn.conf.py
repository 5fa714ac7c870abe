"""Gunicorn's configuration for the service (docs/operations.md): ``gunicorn -c gunicorn.conf.py cspr.wsgi``.

The access log names the path without its query string: a search's terms (which may be names) travel in the query
string, so ``%(r)s`` (the request line), ``%(q)s`` (the query) and ``%(f)s`` (the Referer, a full URL) are left out.
"""

from __future__ import annotations

import os

from cspr.core.logs import strip_query_strings_from_every_record

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
errorlog = "-"
# address, time, "METHOD /path PROTOCOL", status, bytes sent, milliseconds taken, user agent
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Gunicorn's own messages (its error log names the request's URI when a request fails) go through the same cut.
strip_query_strings_from_every_record()
