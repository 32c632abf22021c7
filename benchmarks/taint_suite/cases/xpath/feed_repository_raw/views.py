from django.http import JsonResponse

from .repository import FeedRepository

repo = FeedRepository("/srv/feed/news.xml")


def by_author(request):
    return JsonResponse({"titles": repo.titles_by(request.GET.get("author", ""))})
