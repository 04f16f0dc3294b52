"""The WSGI entry point: a WSGI server (gunicorn) is production, so production settings by default.

They refuse to start without SECRET_KEY and ALLOWED_HOSTS; the demo runs through ``manage.py runserver``.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.production")
application = get_wsgi_application()
