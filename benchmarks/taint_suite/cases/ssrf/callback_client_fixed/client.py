import aiohttp

NOTIFY_URL = "https://notify.internal.example.com/hooks"


class CallbackClient:
    def __init__(self, url):
        self.reply_to = url

    async def notify(self, payload):
        async with aiohttp.ClientSession() as session:
            await session.post(NOTIFY_URL, json={**payload, "reply_to": self.reply_to})  # safe: ssrf
