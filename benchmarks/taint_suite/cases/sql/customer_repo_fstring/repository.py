from .db import get_connection


def find_customers(name):
    conn = get_connection()
    cur = conn.cursor()
    cur.execute(f"SELECT id, name FROM customers WHERE name ILIKE '{name}%'")  # vuln: sql
    return cur.fetchall()
