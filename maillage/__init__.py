"""Maillage: an alliance graph explorer for the social and solidarity economy."""
