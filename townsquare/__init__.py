"""Townsquare: a council's social media, run safely, lawfully and measurably."""
