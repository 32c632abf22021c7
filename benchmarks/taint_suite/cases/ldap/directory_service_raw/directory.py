from ldap3 import Connection, Server

from .filters import by_attribute


class Directory:
    def __init__(self, url, base):
        self.server = Server(url)
        self.base = base

    def manager_of(self, uid):
        conn = Connection(self.server, auto_bind=True)
        conn.search(self.base, by_attribute("uid", uid), attributes=["manager"])  # vuln: ldap
        return [e.entry_to_json() for e in conn.entries]
