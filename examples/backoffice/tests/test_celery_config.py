from backoffice.celery import app


def test_tasks_are_sent_as_json():
    assert app.conf.task_serializer == "json"
