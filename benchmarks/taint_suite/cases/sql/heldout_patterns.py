"""Shapes from the held-out review (session 26): ORM-compiled WHERE clauses, model table names and primary keys,
numeric-only %-formats; each next to the twin where request data itself reaches the SQL text."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from .models import Issue


def issue_counts(request):
    queryset = Issue.objects.filter(project_id=request.GET["project"], subject__icontains=request.GET["q"])
    compiler = connection.ops.compiler(queryset.query.compiler)(queryset.query, connection, None)
    where, params = queryset.query.where.as_sql(compiler, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT status_id, count(*) FROM issues WHERE {} GROUP BY 1".format(where), params)  # safe: sql
        return JsonResponse({"rows": cursor.fetchall()})


def issue_counts_by_hand(request):
    where = "subject LIKE '%{}%'".format(request.GET["q"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT status_id, count(*) FROM issues WHERE {} GROUP BY 1".format(where))  # vuln: sql
        return JsonResponse({"rows": cursor.fetchall()})


def watched(request):
    model = Issue
    sql = "SELECT count(*) FROM watched w WHERE w.object_id = {tbl}.id AND w.user_id = {uid}".format(
        tbl=model._meta.db_table, uid=request.user.pk)
    rows = Issue.objects.extra(select={"watched": sql}).filter(project_id=request.GET["project"])  # safe: sql
    return JsonResponse({"ids": [r.id for r in rows]})


def watched_by_column(request):
    sql = "SELECT count(*) FROM watched w WHERE w.{col} = {tbl}.id".format(
        col=request.GET["column"], tbl=Issue._meta.db_table)
    rows = Issue.objects.extra(select={"watched": sql})  # vuln: sql
    return JsonResponse({"ids": [r.id for r in rows]})


def kill_query(request):
    with connection.cursor() as cursor:
        cursor.execute("KILL %d" % request.POST["thread"])  # safe: sql
    return JsonResponse({"ok": True})


def kill_query_text(request):
    with connection.cursor() as cursor:
        cursor.execute("KILL %s" % request.POST["thread"])  # vuln: sql
    return JsonResponse({"ok": True})


urlpatterns = [
    path("issues/counts", issue_counts),
    path("issues/counts2", issue_counts_by_hand),
    path("issues/watched", watched),
    path("issues/watched2", watched_by_column),
    path("queries/kill", kill_query),
    path("queries/kill2", kill_query_text),
]
