"""bordermap's Streamlit app: `streamlit run app.py` (or `make app`)."""
from bordermap.ui.app import main

main()
