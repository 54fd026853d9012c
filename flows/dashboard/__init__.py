"""`newsflow dashboard` (a local Streamlit app, app.py and views/) and `newsflow report` (the same
Gender and Sources figures as one self-contained HTML file). Both read the warehouse through
warehouse.figures only."""
