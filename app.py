"""bordermap's Streamlit app: `streamlit run app.py` (or `make app`)."""
from pathlib import Path

from bordermap.ui.app import main

main(root=Path(__file__).resolve().parent)
