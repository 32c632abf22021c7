import os


class Resizer:
    def __init__(self, geometry):
        self.geometry = geometry

    def resize(self, name):
        target = f"/srv/img/resized/{name}"
        os.system(f"convert /srv/img/{name} -resize {self.geometry} {target}")  # vuln: command
        return target
