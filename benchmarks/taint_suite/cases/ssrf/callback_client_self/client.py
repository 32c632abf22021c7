import aiohttp


class CallbackClient:
    def __init__(self, url):
        self.url = url

    async def notify(self, payload):
        async with aiohttp.ClientSession() as session:
            await session.post(self.url, json=payload)  # vuln: ssrf
