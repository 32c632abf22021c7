"""Django views that copy form data into the session in bulk."""

from django.http import JsonResponse
from django.utils import timezone


def save_draft(request):
    request.session.update(request.POST.dict())  # vuln: trust-boundary
    return JsonResponse({"ok": True})


def touch(request):
    request.session.cycle_key()
    request.session["last_seen"] = timezone.now().isoformat()  # safe: trust-boundary
    return JsonResponse({"ok": True, "path": request.path})
