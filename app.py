"""Puhui dashboard entry point (placeholder until the dashboard lands)."""
import streamlit as st

st.set_page_config(page_title="Puhui 普惠", layout="wide")
st.title("Puhui 普惠")
st.write("The dashboard is being built. The embedded chain lives in `chain/`.")
