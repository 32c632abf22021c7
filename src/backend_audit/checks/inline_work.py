"""BA-PERF-006: slow side work (mail, PDFs and reports, sleeps) done inline in a request handler."""

from __future__ import annotations

import ast

from .base import AstCheck, FileContext, dotted
from .util import is_endpoint_function

_MAIL = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "django.core.mail.send_mail", "django.core.mail.send_mass_mail",
                   "django.core.mail.mail_admins", "django.core.mail.mail_managers"})
_MESSAGES = frozenset({"django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives",
                       "django.core.mail.message.EmailMessage", "django.core.mail.message.EmailMultiAlternatives",
                       "flask_mail.Message"})
DEFAULT_SLOW_CALLS = ("weasyprint.HTML", "pdfkit.from_string", "pdfkit.from_url", "pdfkit.from_file",
                      "xhtml2pdf.pisa.CreatePDF", "reportlab.pdfgen.canvas.Canvas",
                      "reportlab.platypus.SimpleDocTemplate", "matplotlib.pyplot.savefig")
_DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class SlowWorkInHandler(AstCheck):
    RULE_ID = "BA-PERF-006"
    PREFILTER = ("mail", "SMTP", "sleep", "pdf", "PDF", "weasyprint", "reportlab", "savefig", "Canvas")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.slow = frozenset(self.option("slow_calls", DEFAULT_SLOW_CALLS))
        self.class_depth = 0
        self.handler: ast.AST | None = None
        self.messages: set[str] = set()  # locals holding an email message built in this handler

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_depth += 1

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_depth -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.handler is None and is_endpoint_function(node, self.class_depth > 0 and
                                                          len(self.ctx.function_stack) == 1):
            self.handler = node
            self.messages = set()

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node is self.handler:
            self.handler = None

    def _inline(self) -> bool:
        """In the handler's own body, not in a function it defines (that runs later, maybe elsewhere)."""
        if self.handler is None:
            return False
        parents = self.ctx.parents
        start = parents.index(self.handler) if self.handler in parents else len(parents)
        return not any(isinstance(p, _DEFERRED) for p in parents[start + 1:])

    def visit_Assign(self, node: ast.Assign) -> None:
        if self._inline() and isinstance(node.value, ast.Call) and \
                (self.ctx.qualname(node.value.func) or "") in _MESSAGES:
            self.messages.update(t.id for t in node.targets if isinstance(t, ast.Name))

    def visit_Call(self, node: ast.Call) -> None:
        if not self._inline():
            return
        qn = self.ctx.qualname(node.func) or ""
        what = None
        if qn in _MAIL:
            what = f"{qn.rsplit('.', 1)[-1]}() sends mail"
        elif qn in self.slow:
            what = f"{qn}() generates a document"
        elif qn == "time.sleep" and not isinstance(self.handler, ast.AsyncFunctionDef):
            what = "time.sleep() holds the worker"  # in async def it is BA-PERF-001's
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "send":
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in self.messages or \
                    isinstance(receiver, ast.Call) and (self.ctx.qualname(receiver.func) or "") in _MESSAGES:
                what = "EmailMessage.send() sends mail"
            elif (dotted(receiver) or "").rsplit(".", 1)[-1] == "mail" and \
                    any(v.split(".")[0] == "flask_mail" for v in self.ctx.imports.values()):
                what = "Flask-Mail mail.send() sends mail"
        if what:
            self.report(node, f"{what} inside the request: the client waits and the worker is tied up meanwhile; "
                              "hand slow work to a background job (.delay(), BackgroundTasks.add_task)")
