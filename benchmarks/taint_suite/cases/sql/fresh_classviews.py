"""Class-based views (Flask MethodView, Django ListView, DRF ViewSet, Starlette HTTPEndpoint) that run SQL."""

import re

from django.db import connection
from django.views.generic import ListView
from flask import request
from flask.views import MethodView
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from starlette.endpoints import HTTPEndpoint
from starlette.responses import JSONResponse

from .db import database, get_db
from .models import Ticket

SLUG = re.compile(r"[a-z0-9-]{1,40}")


class TicketAPI(MethodView):
    def get(self):
        status = request.args.get("status", "open")
        return {"rows": get_db().execute("SELECT id FROM tickets WHERE status = '%(s)s'" % {"s": status}).fetchall()}  # vuln: sql


class TicketBoundAPI(MethodView):
    def get(self):
        status = request.args.get("status", "open")
        return {"rows": get_db().execute("SELECT id FROM tickets WHERE status = :s", {"s": status}).fetchall()}  # safe: sql


class TicketList(ListView):
    def get_queryset(self):
        order = self.request.GET.get("order", "id")
        return Ticket.objects.raw(f"SELECT * FROM helpdesk_ticket ORDER BY {order}")  # vuln: sql


class TicketListSlug(ListView):
    def get_queryset(self):
        queue = self.request.GET.get("queue", "general")
        assert SLUG.fullmatch(queue), "bad queue"
        return Ticket.objects.raw(f"SELECT * FROM helpdesk_ticket WHERE queue = '{queue}'")  # vuln: sql


class TicketViewSet(viewsets.ViewSet):
    @action(detail=False)
    def stats(self, request):
        field = request.query_params.get("by", "status")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {field}, count(*) FROM helpdesk_ticket GROUP BY {field}")  # vuln: sql
            return Response(cursor.fetchall())


class TicketStatsViewSet(viewsets.ViewSet):
    @action(detail=False)
    def stats(self, request):
        field = request.query_params.get("by", "status")
        if not isinstance(field, str) or field not in ("status", "queue", "priority"):
            return Response(status=400)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {field}, count(*) FROM helpdesk_ticket GROUP BY {field}")  # safe: sql
            return Response(cursor.fetchall())


class TicketCount(HTTPEndpoint):
    async def get(self, request):
        queue = re.sub(r"[^a-z0-9-]", "", request.query_params.get("queue", ""))
        row = await database.fetch_one(f"SELECT count(*) FROM tickets WHERE queue = '{queue}'")  # safe: sql
        return JSONResponse({"count": row[0]})
