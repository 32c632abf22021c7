"""FastAPI and aiohttp endpoints querying an XML feed."""

from aiohttp import web
from fastapi import APIRouter
from lxml import etree

router = APIRouter()
routes = web.RouteTableDef()
FEED = etree.parse("/srv/feed/news.xml")


@router.get("/news")
def news(author: str):
    return [str(t) for t in FEED.xpath(f"//item[author='{author}']/title/text()")]  # vuln: xpath


@router.get("/news-param")
def news_param(author: str):
    return [str(t) for t in FEED.xpath("//item[author=$a]/title/text()", a=author)]  # safe: xpath


@routes.get("/news/{tag}")
async def news_by_tag(request: web.Request) -> web.Response:
    tag = request.match_info["tag"]
    titles = FEED.xpath("//item[category='" + tag + "']/title/text()")  # vuln: xpath
    return web.json_response([str(t) for t in titles])


@routes.get("/news-count/{tag}")
async def news_count(request: web.Request) -> web.Response:
    tag = request.match_info["tag"]
    count = FEED.xpath("count(//item[category=$tag])", tag=tag)  # safe: xpath
    return web.json_response({"count": count})
