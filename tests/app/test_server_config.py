"""`streamlit run app.py` listens on loopback only unless asked, and sends no usage statistics."""
import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_dashboard_binds_loopback_and_stays_quiet():
    cfg = tomllib.loads(CONFIG.read_text())
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["browser"]["gatherUsageStats"] is False
