"""The live path: snapshots kept fresh while events arrive, pushed to the screens."""
