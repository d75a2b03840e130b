"""The explorer from a checkout: ``streamlit run app.py`` (``maillage app`` runs the same)."""

from maillage.app import run

run()
