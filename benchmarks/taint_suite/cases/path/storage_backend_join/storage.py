from .paths import under


class LocalStorage:
    def __init__(self, root):
        self.root = root

    def read(self, key):
        with open(under(self.root, key), "rb") as fh:  # vuln: path
            return fh.read()
