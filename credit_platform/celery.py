import os

from celery import Celery

# A worker or a WSGI server started without settings runs production ones (manage.py: the demo).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.production")

app = Celery("credit_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
