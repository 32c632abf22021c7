from .db import get_connection


def find_customers(name):
    conn = get_connection()
    cur = conn.cursor()
    cur.execute("SELECT id, name FROM customers WHERE name ILIKE %s", (name + "%",))  # safe: sql
    return cur.fetchall()
