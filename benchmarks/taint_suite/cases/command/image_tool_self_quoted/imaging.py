import os
import shlex


class Resizer:
    def __init__(self, geometry):
        self.geometry = shlex.quote(geometry)

    def resize(self, name):
        name = shlex.quote(name)
        os.system(f"convert /srv/img/{name} -resize {self.geometry} /srv/img/resized/{name}")  # safe: command
        return name
