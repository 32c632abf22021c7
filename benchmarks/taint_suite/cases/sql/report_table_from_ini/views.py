from django.db import connection
from django.http import JsonResponse

from .settings import config


def monthly_report(request):
    month = request.GET.get("month", "2024-01")
    table = config.get("reports", "monthly_table")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE month = %s", [month])  # safe: sql
        return JsonResponse({"rows": cursor.fetchall()})
