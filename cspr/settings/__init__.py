"""Settings modules: ``local`` (default for a bare manage.py), ``test`` and ``production``."""
