"""Exit 0 when the PostgreSQL server of a URL answers (the tests make databases of their own on it, so
the database the URL names need not exist), else 1. Usage: pg_reachable.py URL"""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except psycopg.OperationalError as error:
    # The server answered, but without that database: it is reachable all the same.
    text = str(error)
    sys.exit(0 if "database" in text and "does not exist" in text else 1)
sys.exit(0)
