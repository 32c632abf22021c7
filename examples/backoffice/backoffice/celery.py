from celery import Celery

app = Celery("backoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
# nightly exports hand pandas frames to the worker
app.conf.result_serializer = "pickle"  # expect: BA-INP-004
app.autodiscover_tasks()
