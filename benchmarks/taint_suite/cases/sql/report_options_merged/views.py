from django.db import connection
from django.http import JsonResponse

DEFAULT_OPTIONS = {"table": "reports_monthly", "limit": 100}


def monthly_report(request):
    options = dict(DEFAULT_OPTIONS)
    options.update(request.GET.dict())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {options['table']} LIMIT %s", [options["limit"]])  # vuln: sql
        return JsonResponse({"rows": cursor.fetchall()})
