"""WSGI entry point for gunicorn. Production must set DJANGO_SETTINGS_MODULE explicitly."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings.local")
application = get_wsgi_application()
