"""Streamlit UI: the only part of bordermap that imports Streamlit."""
