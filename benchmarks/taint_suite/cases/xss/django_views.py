"""Django and DRF views of a ticketing app that build HTML by hand."""

from django.http import HttpResponse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views import View
from rest_framework.renderers import StaticHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView


def ticket_title(request):
    title = request.GET.get("title", "")
    return HttpResponse(f"<h2>{title}</h2>")  # vuln: xss


def ticket_title_escaped(request):
    title = request.GET.get("title", "")
    return HttpResponse(format_html("<h2>{}</h2>", title))  # safe: xss


def ticket_note(request):
    note = request.POST.get("note", "")
    return HttpResponse(mark_safe("<p>" + note + "</p>"))  # vuln: xss


def ticket_note_escaped(request):
    note = escape(request.POST.get("note", ""))
    return HttpResponse(mark_safe("<p>" + note + "</p>"))  # safe: xss


def ticket_text(request):
    note = request.POST.get("note", "")
    return HttpResponse(note, content_type="text/plain")  # safe: xss


class TicketWidget(View):
    def get(self, request):
        self.color = request.GET.get("color", "red")
        return HttpResponse(self.render_badge())

    def render_badge(self):
        return mark_safe(f"<span style='color:{self.color}'>open</span>")  # vuln: xss


class TicketWidgetFixed(View):
    COLORS = {"red": "#c00", "green": "#0a0"}

    def get(self, request):
        self.color = self.COLORS.get(request.GET.get("color"), "#c00")
        return HttpResponse(self.render_badge())

    def render_badge(self):
        return mark_safe(f"<span style='color:{self.color}'>open</span>")  # safe: xss


class TicketHtmlAPI(APIView):
    renderer_classes = [StaticHTMLRenderer]

    def get(self, request):
        subject = request.query_params.get("subject", "")
        return Response("<html><body><h1>%s</h1></body></html>" % subject)  # vuln: xss


class TicketHtmlEscapedAPI(APIView):
    renderer_classes = [StaticHTMLRenderer]

    def get(self, request):
        subject = escape(request.query_params.get("subject", ""))
        return Response("<html><body><h1>%s</h1></body></html>" % subject)  # safe: xss
