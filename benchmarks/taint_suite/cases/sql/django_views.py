"""Django and DRF views of a reporting app that drop to raw SQL for speed."""

import uuid

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Invoice, Customer


def invoice_totals(request):
    region = request.GET.get("region", "eu")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sum(total) FROM billing_invoice WHERE region = '{region}'")  # vuln: sql
        return JsonResponse({"total": cursor.fetchone()[0]})


def invoice_totals_bound(request):
    region = request.GET.get("region", "eu")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total) FROM billing_invoice WHERE region = %s", [region])  # safe: sql
        return JsonResponse({"total": cursor.fetchone()[0]})


def customer_lookup(request):
    email = request.POST["email"]
    customers = Customer.objects.raw("SELECT * FROM crm_customer WHERE email = '%s'" % email)  # vuln: sql
    return JsonResponse({"ids": [c.pk for c in customers]})


def customer_lookup_bound(request):
    email = request.POST["email"]
    customers = Customer.objects.raw("SELECT * FROM crm_customer WHERE email = %s", [email])  # safe: sql
    return JsonResponse({"ids": [c.pk for c in customers]})


def invoice_by_ref(request, ref):
    invoice = Invoice.objects.extra(where=[f"reference = '{ref}'"]).first()  # vuln: sql
    return JsonResponse({"id": invoice.pk if invoice else None})


def invoice_by_uuid(request, ref):
    ref = uuid.UUID(ref)
    invoice = Invoice.objects.extra(where=[f"public_id = '{ref}'"]).first()  # safe: sql
    return JsonResponse({"id": invoice.pk if invoice else None})


def invoices_since(request):
    days = request.GET.get("days", "30")
    if not days.isdigit():
        return HttpResponseBadRequest("days must be a number")
    qs = Invoice.objects.annotate(late=RawSQL(f"due_date < now() - interval '{days} days'", []))  # safe: sql
    return JsonResponse({"late": qs.filter(late=True).count()})


def invoices_since_unchecked(request):
    days = request.GET.get("days", "30")
    qs = Invoice.objects.annotate(late=RawSQL(f"due_date < now() - interval '{days} days'", []))  # vuln: sql
    return JsonResponse({"late": qs.filter(late=True).count()})


class ReportView(View):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.group_by = request.GET.get("group", "region")

    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.group_by}, count(*) FROM billing_invoice GROUP BY {self.group_by}")  # vuln: sql
            return JsonResponse({"rows": cursor.fetchall()})


class ReportByRegionView(View):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.group_by = "region"
        self.region = request.GET.get("region", "eu")

    def get(self, request):
        with connection.cursor() as cursor:
            sql = f"SELECT {self.group_by}, count(*) FROM billing_invoice WHERE region = %s GROUP BY {self.group_by}"
            cursor.execute(sql, [self.region])  # safe: sql
            return JsonResponse({"rows": cursor.fetchall()})


class InvoiceSearch(APIView):
    def get(self, request):
        term = request.query_params.get("term", "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM billing_invoice WHERE memo ILIKE '%%" + term + "%%'")  # vuln: sql
            return Response(cursor.fetchall())


class InvoiceSearchOrm(APIView):
    def get(self, request):
        term = request.query_params.get("term", "")
        ids = Invoice.objects.filter(memo__icontains=term).values_list("id", flat=True)  # safe: sql
        return Response(list(ids))


class BulkTag(APIView):
    def post(self, request):
        tag = request.data["tag"]
        ids = [int(i) for i in request.data["ids"]]
        id_list = ",".join(str(i) for i in ids)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE billing_invoice SET tag = %s WHERE id IN ({id_list})", [tag])  # safe: sql
        return Response(status=204)


class BulkTagRaw(APIView):
    def post(self, request):
        tag = request.data["tag"]
        id_list = ",".join(request.data["ids"])
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE billing_invoice SET tag = '{tag}' WHERE id IN ({id_list})")  # vuln: sql
        return Response(status=204)


urlpatterns = [
    path("invoices/by-ref/<str:ref>/", invoice_by_ref),
    path("invoices/by-uuid/<str:ref>/", invoice_by_uuid),
]
