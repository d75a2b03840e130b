"""The explorer's Streamlit pages and their rendering helpers."""
