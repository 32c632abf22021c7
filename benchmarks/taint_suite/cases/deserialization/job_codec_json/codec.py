import json
import zlib


class JobCodec:
    def decode(self, blob):
        return json.loads(zlib.decompress(blob))  # safe: deserialization
