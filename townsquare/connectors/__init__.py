"""Platform connectors: one package per platform behind one interface (see base.py)."""
