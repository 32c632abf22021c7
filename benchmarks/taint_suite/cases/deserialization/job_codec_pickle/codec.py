import pickle
import zlib


class JobCodec:
    def decode(self, blob):
        return pickle.loads(zlib.decompress(blob))  # vuln: deserialization
