from django.http import HttpResponse

from .widgets import Card


def profile_card(request):
    card = Card(title=request.GET.get("name", ""))
    return HttpResponse(card.render())
