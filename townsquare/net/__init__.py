"""Outbound connections to addresses people type (see ``townsquare.net.fetch``)."""
